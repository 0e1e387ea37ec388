/**
 * /v3/users/{user_id}/credentials/OS-EC2 (keystone/api/users.py `UserOSEC2Credentials*`): EC2
 * credentials are credentials of type `ec2` whose blob holds `access`, `secret` and `trust_id`,
 * shown in the old EC2 shape `{user_id, tenant_id, access, secret, trust_id}`. A credential is
 * addressed by its access key (its ID is the key's SHA-256). Get and delete look the credential
 * up before policy (an unknown one is a 404 for everyone) and check its owner, not the path's
 * user; a credential of another type answers 401 as Keystone does. Delegated tokens are refused.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import {
  blobOf,
  EC2,
  ec2View,
  hashAccessKey,
  renderCredential,
  sealCredential,
} from '../../core/credentials/credential_records.ts'
import { pyJsonDumps } from '../../core/credentials/py_json.ts'
import { CredentialLimitExceeded, Unauthorized } from '../../errors.ts'
import { credentialOptions } from '../../options.ts'
import type { StoredCredential } from '../../store/index.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { authorize, baseUrl, bodyMember, param, requestUrl } from '../v3/route_kit.ts'
import { type CredentialApiContext, requirePrimaryAuth } from './context.ts'

const hex = () => randomUUID().replaceAll('-', '')

export function registerEc2CredentialRoutes(router: Router, ctx: CredentialApiContext): void {
  const crypto = ctx.credentialCrypto
  const base = '/v3/users/:user_id/credentials/OS-EC2'
  const withLink = (req: FastifyRequest, view: ReturnType<typeof ec2View>) => ({
    ...view,
    links: {
      self: `${baseUrl(ctx, req, `users/${view.user_id}/credentials/OS-EC2`)}/${String(view.access)}`,
    },
  })
  const show = (req: FastifyRequest, stored: StoredCredential) =>
    withLink(req, ec2View(stored, blobOf(crypto, stored)))
  /** `_build_enforcer_target_data_owner_and_user_id_match`: 404 before policy when unknown. */
  const storedTarget = (req: FastifyRequest) => async () => {
    const stored = await ctx.store.credentials.get(hashAccessKey(param(req, 'credential_id')))
    return { target: { credential: renderCredential(stored, blobOf(crypto, stored)) } }
  }
  /** `_get_raw_cred`. */
  const ec2Credential = async (req: FastifyRequest) => {
    const stored = await ctx.store.credentials.get(hashAccessKey(param(req, 'credential_id')))
    if (stored.type !== EC2) throw new Unauthorized('EC2 access key not found.')
    return stored
  }

  router.route('GET', base, async (req) => {
    const caller = await authorize(ctx, req, 'identity:ec2_list_credentials')
    requirePrimaryAuth(ctx, caller)
    const userId = param(req, 'user_id')
    await ctx.store.identity.getUser(userId)
    const stored = await ctx.store.credentials.list({ userId, type: EC2 })
    return ok({
      credentials: stored.map((s) => show(req, s)),
      links: { next: null, self: requestUrl(ctx, req), previous: null },
    })
  })

  router.route('POST', base, async (req) => {
    const userId = param(req, 'user_id')
    const caller = await authorize(ctx, req, 'identity:ec2_create_credential', {
      target: { credential: { user_id: userId } },
    })
    await ctx.store.identity.getUser(userId)
    const tenantId = bodyMember(req, 'tenant_id', null)
    const project = await ctx.store.resource.getProject(
      typeof tenantId === 'string' ? tenantId : String(tenantId === null ? 'None' : tenantId),
    )
    requirePrimaryAuth(ctx, caller)
    const access = hex()
    const blob = pyJsonDumps({ access, secret: hex(), trust_id: null })
    const id = hashAccessKey(access)
    const limit = ctx.config.get(credentialOptions).user_limit
    const sealed = sealCredential(crypto, {
      id,
      userId,
      projectId: project.id,
      type: EC2,
      blob,
      extra: {},
    })
    const stored = await ctx.store.transaction(async (store) => {
      if (limit >= 0 && (await store.credentials.count(userId)) >= limit) {
        throw new CredentialLimitExceeded(limit)
      }
      return store.credentials.create(sealed)
    })
    return created({ credential: withLink(req, ec2View(stored, blob)) })
  })

  const one = `${base}/:credential_id`

  router.route('GET', one, async (req) => {
    const caller = await authorize(ctx, req, 'identity:ec2_get_credential', storedTarget(req))
    await ctx.store.identity.getUser(param(req, 'user_id'))
    const stored = await ec2Credential(req)
    requirePrimaryAuth(ctx, caller)
    return ok({ credential: show(req, stored) })
  })

  router.route('DELETE', one, async (req) => {
    const caller = await authorize(ctx, req, 'identity:ec2_delete_credential', storedTarget(req))
    await ctx.store.identity.getUser(param(req, 'user_id'))
    const stored = await ec2Credential(req)
    requirePrimaryAuth(ctx, caller)
    await ctx.store.transaction((store) => store.credentials.delete(stored.id))
    return noContent()
  })
}
