/**
 * `handle_authenticate` of keystone/api/_shared/EC2_S3_Resource.py, for `/v3/ec2tokens` and
 * `/v3/s3tokens`: find the EC2 credential by the SHA-256 of the access key, check the signature
 * with its secret (the endpoint's own check), then the project and user exist and are enabled,
 * the request's timestamp is recent, and the user has a role on the project (or the application
 * credential the blob names still holds roles there; a trust the blob names is live: its roles,
 * a trust-scoped token). Returns what the token is issued for; the token's method is
 * `ec2credential`. Signatures are compared in constant time.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'
import { Unauthorized, ValidationError } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import { isObject } from '../py_values.ts'
import { getTrust } from '../resources/trust_chain.ts'
import type { CredentialCrypto } from './credential_crypto.ts'
import { blobOf, EC2, ec2Fields, hashAccessKey } from './credential_records.ts'
import { checkSignatureTimestamp } from './signature_time.ts'

export type Ec2Grant = {
  readonly userId: string
  readonly projectId: string
  readonly appCredId: string | null
  /** The trust a trust-scoped credential (its blob's `trust_id`) issues its token under. */
  readonly trustId: string | null
}

export type SecretCheck = (secret: string, credentials: Record<string, unknown>) => void

/** `utils.auth_str_equal`. */
export function sameSignature(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `credentials`, `credential` or `ec2Credentials`, the first that is truthy (Keystone's order). */
export function signedCredentials(body: unknown): Record<string, unknown> {
  if (!isObject(body) || Object.keys(body).length === 0) {
    throw new ValidationError('request must include a request body')
  }
  const found = [body.credentials, body.credential, body.ec2Credentials].find(
    (v) => v !== undefined && v !== null && v !== '' && v !== false && v !== 0,
  )
  if (isObject(found) && Object.keys(found).length > 0) return found
  throw new Unauthorized('EC2 Signature not supplied')
}

export async function authenticateSignature(deps: {
  readonly store: Store
  readonly crypto: CredentialCrypto
  readonly nowMs: number
  readonly ttlMinutes: number
  readonly body: unknown
  readonly checkSignature: SecretCheck
  /** `[trust] max_redelegation_count`, for a trust-scoped credential's chain (default 3). */
  readonly maxRedelegationCount?: number
}): Promise<Ec2Grant> {
  const { store } = deps
  const credentials = signedCredentials(deps.body)
  if (!('access' in credentials)) throw new Unauthorized('EC2 Signature not supplied')
  if (typeof credentials.access !== 'string') throw new Unauthorized('EC2 access key not found.')
  const stored = await store.credentials.get(hashAccessKey(credentials.access))
  if (stored.type !== EC2) throw new Unauthorized('EC2 access key not found.')
  const blob = ec2Fields(blobOf(deps.crypto, stored))
  const secret = typeof blob.secret === 'string' ? blob.secret : ''
  deps.checkSignature(secret, credentials)

  const project = await store.resource.getProject(String(stored.projectId))
  const user = await store.identity.getUser(stored.userId)
  if (!user.enabled || !project.enabled) throw new Unauthorized()
  for (const domainId of new Set([user.domainId, project.domainId])) {
    if (domainId !== null && !(await store.resource.getDomain(domainId)).enabled) {
      throw new Unauthorized()
    }
  }
  checkSignatureTimestamp(credentials, deps.nowMs, deps.ttlMinutes)

  const trustId = typeof blob.trust_id === 'string' && blob.trust_id !== '' ? blob.trust_id : null
  if (typeof blob.access_token_id === 'string' && blob.access_token_id !== '') {
    throw new Unauthorized('OAuth1-scoped EC2 credentials are not supported.')
  }
  const appCredId =
    typeof blob.app_cred_id === 'string' && blob.app_cred_id !== '' ? blob.app_cred_id : null
  let roleIds: readonly string[]
  let userId = user.id
  if (trustId !== null) {
    // the trust's roles; under impersonation the credential is the trustor's, the token the
    // trustee's (minting checks the token's user is the trustee; it renders the trustor)
    const trust = await getTrust(store, trustId, deps.maxRedelegationCount ?? 3)
    roleIds = trust.roleIds
    if (trust.impersonation) userId = trust.trusteeUserId
  } else if (appCredId !== null) {
    const appCred = await store.applicationCredentials.get(appCredId)
    if (stored.projectId !== appCred.projectId) {
      throw new Unauthorized(
        'EC2 credential project does not match the application credential project.',
      )
    }
    roleIds = appCred.roleIds
  } else {
    const roles = await store.effectiveRoles.rolesFor(user.id, {
      kind: 'project',
      projectId: project.id,
    })
    roleIds = roles.map((r) => r.id)
  }
  if (roleIds.length === 0) throw new Unauthorized('User not valid for project.')
  return { userId, projectId: project.id, appCredId: trustId === null ? appCredId : null, trustId }
}
