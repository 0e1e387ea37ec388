/**
 * /v3/credentials (keystone/api/credentials.py `CredentialResource`). Owners manage their own,
 * admins anyone's; a list shows only what `identity:get_credential` allows on each credential, so
 * a project member never sees another user's. A delegated token (application credential, EC2)
 * is refused, and filtered out of lists. Blobs are encrypted before the store sees them and are
 * never logged; an `ec2` credential's ID is the SHA-256 of its access key.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import {
  assertEc2ScopeKept,
  blobOf,
  CREDENTIAL_ATTRIBUTES,
  credentialIdFor,
  encryptBlob,
  renderCredential,
  sealCredential,
  validateCredentialCreate,
  validateCredentialUpdate,
} from '../../core/credentials/credential_records.ts'
import { extrasOf, normalizeDict } from '../../core/resources/entities.ts'
import { buildHints, exactValues, matchesFilters } from '../../core/resources/query_filters.ts'
import { CredentialLimitExceeded } from '../../errors.ts'
import { credentialOptions } from '../../options.ts'
import type { StoredCredential } from '../../store/index.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import {
  authorize,
  bodyMember,
  enforce,
  orNothing,
  param,
  queryArgs,
  wrapCollection,
  wrapMember,
} from '../v3/route_kit.ts'
import { allowed, type CredentialApiContext, requirePrimaryAuth } from './context.ts'

const COLLECTION = 'credentials'

export function registerCredentialRoutes(router: Router, ctx: CredentialApiContext): void {
  const crypto = ctx.credentialCrypto
  const view = (stored: StoredCredential) => renderCredential(stored, blobOf(crypto, stored))
  const member = (req: FastifyRequest, entity: Record<string, unknown>) =>
    wrapMember(ctx, req, 'credential', COLLECTION, entity)
  /** `_build_target_enforcement`: the stored credential, decrypted; nothing when unknown. */
  const storedTarget = (req: FastifyRequest) => async () => {
    const found = await orNothing(() => ctx.store.credentials.get(param(req, 'credential_id')))
    return found === undefined ? {} : { target: { credential: view(found) } }
  }

  router.route('GET', '/v3/credentials', async (req) => {
    const filters = buildHints(queryArgs(req), ['user_id', 'type'])
    const caller = await ctx.authenticate(req)
    const target =
      caller.scope.kind !== 'system' ? { credential: { user_id: caller.userId } } : undefined
    enforce(ctx, caller, req, 'identity:list_credentials', {
      filters,
      ...(target === undefined ? {} : { target }),
    })
    const userId = exactValues(filters, 'user_id')[0]
    const type = exactValues(filters, 'type')[0]
    const stored = await ctx.store.credentials.list({
      ...(userId === undefined ? {} : { userId }),
      ...(type === undefined ? {} : { type }),
    })
    const visible = stored
      .map(view)
      .filter((ref) => matchesFilters(ref, filters))
      .filter((ref) => mayRead(ctx, caller, req, ref))
    return ok(wrapCollection(ctx, req, COLLECTION, COLLECTION, visible))
  })

  router.route('POST', '/v3/credentials', async (req) => {
    const body = bodyMember(req, 'credential')
    const caller = await authorize(ctx, req, 'identity:create_credential', {
      target: { credential: body },
    })
    validateCredentialCreate(body)
    requirePrimaryAuth(ctx, caller)
    const ref = normalizeDict(body)
    const id = credentialIdFor(ref)
    const userId = String(ref.user_id)
    const limit = ctx.config.get(credentialOptions).user_limit
    const sealed = sealCredential(crypto, {
      id,
      userId,
      projectId: typeof ref.project_id === 'string' ? ref.project_id : null,
      type: String(ref.type),
      blob: String(ref.blob),
      extra: extrasOf(ref, CREDENTIAL_ATTRIBUTES),
    })
    const stored = await ctx.store.transaction(async (store) => {
      if (limit >= 0 && (await store.credentials.count(userId)) >= limit) {
        throw new CredentialLimitExceeded(limit)
      }
      return store.credentials.create(sealed)
    })
    return created(member(req, renderCredential(stored, String(ref.blob))))
  })

  const one = '/v3/credentials/:credential_id'

  router.route('GET', one, async (req) => {
    const caller = await authorize(ctx, req, 'identity:get_credential', storedTarget(req))
    const stored = await ctx.store.credentials.get(param(req, 'credential_id'))
    requirePrimaryAuth(ctx, caller)
    return ok(member(req, view(stored)))
  })

  router.route('PATCH', one, async (req) => {
    const caller = await authorize(ctx, req, 'identity:update_credential', storedTarget(req))
    const patch = bodyMember(req, 'credential')
    validateCredentialUpdate(patch)
    const id = param(req, 'credential_id')
    const current = await ctx.store.credentials.get(id)
    requirePrimaryAuth(ctx, caller)
    const currentView = view(current)
    assertEc2ScopeKept(current, String(currentView.blob), patch.blob)
    enforce(ctx, caller, req, 'identity:update_credential', {
      target: { credential: { ...currentView, ...patch } },
    })
    // the manager's update re-encrypts the blob as given, whatever the type
    const { encryptedBlob, keyHash } = encryptBlob(crypto, undefined, patch.blob)
    const stored = await ctx.store.transaction((store) =>
      store.credentials.updateBlob(id, encryptedBlob, keyHash),
    )
    return ok(member(req, renderCredential(stored, patch.blob)))
  })

  router.route('DELETE', one, async (req) => {
    const caller = await authorize(ctx, req, 'identity:delete_credential', storedTarget(req))
    const id = param(req, 'credential_id')
    await ctx.store.credentials.get(id)
    requirePrimaryAuth(ctx, caller)
    await ctx.store.transaction((store) => store.credentials.delete(id))
    return noContent()
  })
}

/** Keystone 22's list filter: `identity:get_credential` on each, and no delegated token. */
function mayRead(
  ctx: CredentialApiContext,
  caller: Caller,
  req: FastifyRequest,
  ref: Record<string, unknown>,
): boolean {
  if (!allowed(ctx, caller, req, 'identity:get_credential', { target: { credential: ref } })) {
    return false
  }
  try {
    requirePrimaryAuth(ctx, caller)
    return true
  } catch {
    return false
  }
}
