/**
 * `GET /v3/OS-BATON/fernet-keys` (Baton's own admin API): the fingerprint and role of every key in
 * this node's `[fernet_tokens] key_repository`, so `baton doctor` can tell whether the identity
 * nodes behind a load balancer share one repository. Never any key material: a fingerprint is the
 * first 16 hex digits of sha256(key), which identifies a key without revealing it.
 * @module
 */
import { keyRepositoryStatus } from '@baton/fernet'
import { Forbidden } from '../../errors.ts'
import { fernetTokensOptions, tokenOptions } from '../../options.ts'
import { forbiddenActionMessage } from '../../policy/index.ts'
import type { ApiContext } from '../context.ts'
import { ok, type Router } from '../router.ts'

/** The action named in a refusal; Keystone's default policies do not know it. */
export const LIST_FERNET_KEYS_ACTION = 'baton:list_fernet_keys'

/** Keystone's base rule `admin_required` (`role:admin or is_admin:1`), which policy files may override. */
const ADMIN_RULE = 'admin_required'

export function registerKeyFingerprintRoutes(router: Router, ctx: ApiContext): void {
  router.route('GET', '/v3/OS-BATON/fernet-keys', async (req) => {
    const caller = await ctx.authenticate(req)
    if (!ctx.policy.allows(caller, ADMIN_RULE)) {
      throw new Forbidden(forbiddenActionMessage(LIST_FERNET_KEYS_ACTION))
    }
    const fernet = ctx.config.get(fernetTokensOptions)
    const token = ctx.config.get(tokenOptions)
    // Read from disk on each call: the answer is what a rotation or a sync left there just now.
    const status = keyRepositoryStatus({
      path: fernet.key_repository,
      maxActiveKeys: fernet.max_active_keys,
      tokenExpiration: token.expiration,
      allowExpiredWindow: token.allow_expired_window,
      clock: ctx.clock,
      logger: { warn() {} },
    })
    return ok({
      keys: status.keys.map((key) => ({ fingerprint: key.fingerprint, role: key.role })),
    })
  })
}
