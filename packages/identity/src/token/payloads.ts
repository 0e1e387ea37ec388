/**
 * Keystone's eleven payload classes (keystone/token/token_formatters.py) as slot layouts: the
 * msgpack array after the version element, slot by slot, with assemble (fields -> array) and
 * disassemble (array -> fields), and the fernet Provider's choice of class for a set of fields.
 * Version 10 (Oauth2CredentialsScopedPayload) comes from Keystone 23+; Keystone 22 rejects it.
 *
 * Also the one place a `Scope` becomes Keystone's flat payload fields (`payloadFieldsOf`, what
 * the fernet Provider does with its TokenModel) and back (`scopeOfPayload`).
 * @module
 */

import { TokenPayloadError } from '../errors.ts'
import type { Scope } from '../scope.ts'
import { MsgpackFormatError, type PyValue } from './msgpack_py.ts'
import {
  type PayloadContext,
  packAuditIds,
  packDomainV1,
  packExpires,
  packMethods,
  packText,
  packTrustId,
  unpackAuditIds,
  unpackDomainV1,
  unpackExpires,
  unpackMethods,
  unpackText,
  unpackTrustId,
} from './payload_fields.ts'
import {
  DELEGATION_PAYLOAD_VERSION,
  type DecodedToken,
  type PayloadFields,
  type PayloadVersion,
  type TokenFields,
} from './token_fields.ts'
import { isPyArray, packId, unpackId } from './uuid_py.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

interface Slot {
  pack(fields: PayloadFields, ctx: PayloadContext): PyValue
  unpack(value: PyValue, out: Mutable<DecodedToken>, ctx: PayloadContext): void
}

type IdField =
  | 'delegationId'
  | 'projectId'
  | 'domainId'
  | 'identityProviderId'
  | 'accessTokenId'
  | 'appCredId'
  | 'thumbprint'

/** A `(is_stored_as_bytes, id)` pair; nil is allowed as keystone packs None that way. */
function idSlot(field: IdField, what: string): Slot {
  return {
    pack: (f) => packId(f[field] ?? null),
    unpack: (v, out) => {
      out[field] = unpackId(v, what)
    },
  }
}

const user: Slot = {
  pack: (f) => packId(f.userId),
  unpack: (v, out) => {
    const id = unpackId(v, 'user_id')
    if (id === null) throw new MsgpackFormatError('user_id is nil')
    out.userId = id
  },
}
const methods: Slot = {
  pack: (f, ctx) => packMethods(f.methods, ctx),
  unpack: (v, out, ctx) => {
    out.methods = unpackMethods(v, ctx)
  },
}
const expires: Slot = {
  pack: (f) => packExpires(f.expiresAt),
  unpack: (v, out) => {
    out.expiresAt = unpackExpires(v)
  },
}
const audit: Slot = {
  pack: (f) => packAuditIds(f.auditIds),
  unpack: (v, out) => {
    out.auditIds = unpackAuditIds(v)
  },
}
const project = idSlot('projectId', 'project_id')
const domain = idSlot('domainId', 'domain_id')
const idp = idSlot('identityProviderId', 'identity_provider_id')
const accessToken = idSlot('accessTokenId', 'access_token_id')
const appCred = idSlot('appCredId', 'app_cred_id')
const delegation: Slot = {
  pack: (f) => packId(f.delegationId ?? null),
  unpack: (v, out) => {
    const id = unpackId(v, 'delegation_id')
    if (id === null) throw new MsgpackFormatError('delegation_id is nil')
    out.delegationId = id
  },
}
const domainV1: Slot = {
  pack: (f, ctx) => packDomainV1(f.domainId ?? null, ctx),
  unpack: (v, out, ctx) => {
    out.domainId = unpackDomainV1(v, ctx)
  },
}
const trust: Slot = {
  pack: (f) => packTrustId(f.trustId ?? null),
  unpack: (v, out) => {
    out.trustId = unpackTrustId(v)
  },
}
const groups: Slot = {
  pack: (f) => {
    if (f.federatedGroupIds == null) throw new TokenPayloadError('federated_group_ids is required')
    return f.federatedGroupIds.map((id) => packId(id))
  },
  unpack: (v, out) => {
    if (!isPyArray(v)) throw new MsgpackFormatError('federated_group_ids is not an array')
    out.federatedGroupIds = v.map((pair) => {
      const id = unpackId(pair, 'federated group id')
      if (id === null) throw new MsgpackFormatError('a federated group id is nil')
      return id
    })
  },
}
const protocol: Slot = {
  pack: (f) => packText(f.protocolId ?? null, 'protocol_id'),
  unpack: (v, out) => {
    out.protocolId = unpackText(v, 'protocol_id')
  },
}
const system: Slot = {
  pack: (f) => packText(f.system ?? null, 'system'),
  unpack: (v, out) => {
    out.system = unpackText(v, 'system')
  },
}
/** FederatedScopedPayload packs `project_id or domain_id` (Python `or`: '' falls through). */
function scope(field: 'projectId' | 'domainId'): Slot {
  return {
    pack: (f) => packId(f.projectId || (f.domainId ?? null)),
    unpack: (v, out) => {
      out[field] = unpackId(v, 'scope_id')
    },
  }
}
/** Oauth2CredentialsScopedPayload always writes `(False, thumbprint)`. */
const thumbprint: Slot = {
  pack: (f) => [false, f.thumbprint ?? null],
  unpack: idSlot('thumbprint', 'thumbprint').unpack,
}

interface PayloadLayout {
  readonly name: string
  readonly slots: readonly Slot[]
}

/** Keystone class name and slot layout per version; index = version. */
const PAYLOAD_LAYOUTS: readonly PayloadLayout[] = [
  { name: 'UnscopedPayload', slots: [user, methods, expires, audit] },
  { name: 'DomainScopedPayload', slots: [user, methods, domainV1, expires, audit] },
  { name: 'ProjectScopedPayload', slots: [user, methods, project, expires, audit] },
  { name: 'TrustScopedPayload', slots: [user, methods, project, expires, audit, trust] },
  {
    name: 'FederatedUnscopedPayload',
    slots: [user, methods, groups, idp, protocol, expires, audit],
  },
  {
    name: 'FederatedProjectScopedPayload',
    slots: [user, methods, scope('projectId'), groups, idp, protocol, expires, audit],
  },
  {
    name: 'FederatedDomainScopedPayload',
    slots: [user, methods, scope('domainId'), groups, idp, protocol, expires, audit],
  },
  { name: 'OauthScopedPayload', slots: [user, methods, project, accessToken, expires, audit] },
  { name: 'SystemScopedPayload', slots: [user, methods, system, expires, audit] },
  {
    name: 'ApplicationCredentialScopedPayload',
    slots: [user, methods, project, expires, audit, appCred],
  },
  {
    name: 'Oauth2CredentialsScopedPayload',
    slots: [user, methods, project, domain, expires, audit, thumbprint],
  },
]

/**
 * Baton's own payload versions (token_fields.ts `BatonPayloadVersion`), which Keystone refuses:
 * 64, a job-bound delegation: the user, the methods of the user's token, the delegated project,
 * the delegation's deadline, `[own audit id, root audit chain id]`, the delegation's id. The rest
 * (operation, audience, roles, actors) lives in the delegation record, so revocation and
 * narrowing never need a second token format.
 */
const BATON_PAYLOAD_LAYOUTS: ReadonlyMap<number, PayloadLayout> = new Map([
  [
    DELEGATION_PAYLOAD_VERSION,
    { name: 'BatonDelegationPayload', slots: [user, methods, project, expires, audit, delegation] },
  ],
])

function layoutOf(version: number): PayloadLayout | undefined {
  return PAYLOAD_LAYOUTS[version] ?? BATON_PAYLOAD_LAYOUTS.get(version)
}

/** Keystone's payload class name per version (index = version), for logs and `baton token`. */
export const PAYLOAD_CLASS_NAMES: readonly string[] = Object.freeze(
  PAYLOAD_LAYOUTS.map((l) => l.name),
)

const set = (v: unknown): boolean => v !== null && v !== undefined

/**
 * keystone/token/providers/fernet/core.py `_determine_payload_class_from_token`: oauth1, trust,
 * federated (project, domain, unscoped), app credential, oauth2 thumbprint, project, domain,
 * system, unscoped. "Federated" means federatedGroupIds is set.
 */
export function selectPayloadVersion(f: PayloadFields): PayloadVersion {
  if (set(f.delegationId)) {
    // Baton: a delegation is project-scoped and nothing else
    if (!set(f.projectId) || set(f.trustId) || set(f.appCredId) || set(f.federatedGroupIds)) {
      throw new TokenPayloadError('a delegation token is project-scoped and nothing else')
    }
    return DELEGATION_PAYLOAD_VERSION
  }
  if (set(f.accessTokenId)) return 7
  if (set(f.trustId)) return 3
  if (set(f.federatedGroupIds)) {
    if (set(f.projectId)) return 5
    if (set(f.domainId)) return 6
    if (!set(f.system)) return 4
    // keystone falls through every branch and fails to create the token
    throw new TokenPayloadError('federated tokens cannot be system-scoped')
  }
  if (f.appCredId) return 9 // truthiness, as keystone tests it
  if (f.thumbprint) return 10
  if (set(f.projectId)) return 2
  if (set(f.domainId)) return 1
  if (set(f.system)) return 8
  return 0
}

/** `(version,) + payload_class.assemble(...)`: the value Keystone hands to msgpack.packb. */
export function assemblePayload(
  version: PayloadVersion,
  fields: PayloadFields,
  ctx: PayloadContext,
): PyValue[] {
  const layout = layoutOf(version)
  if (layout === undefined) throw new TokenPayloadError(`no payload version ${version}`)
  return [BigInt(version), ...layout.slots.map((slot) => slot.pack(fields, ctx))]
}

export function isPayloadVersion(version: bigint): boolean {
  return (
    (version >= 0n && version < BigInt(PAYLOAD_LAYOUTS.length)) ||
    BATON_PAYLOAD_LAYOUTS.has(Number(version))
  )
}

/**
 * `payload_class.disassemble(payload)` for a known version, over the whole unpacked array
 * (`versioned[0]` is the version, the slots follow and must match the layout).
 */
export function disassemblePayload(
  version: PayloadVersion,
  versioned: readonly PyValue[],
  ctx: PayloadContext,
  issuedAt: string,
): DecodedToken {
  const layout = layoutOf(version)
  if (layout === undefined) throw new MsgpackFormatError(`no payload version ${version}`)
  const { slots } = layout
  if (versioned.length - 1 !== slots.length) {
    throw new MsgpackFormatError(
      `${layout.name} has ${slots.length} elements after the version, not ${versioned.length - 1}`,
    )
  }
  const out: Mutable<DecodedToken> = {
    version,
    userId: '',
    methods: [],
    projectId: null,
    domainId: null,
    system: null,
    trustId: null,
    appCredId: null,
    federatedGroupIds: null,
    identityProviderId: null,
    protocolId: null,
    accessTokenId: null,
    thumbprint: null,
    delegationId: null,
    auditIds: [],
    expiresAt: '',
    issuedAt,
  }
  for (let i = 0; i < slots.length; i++) slots[i]?.unpack(versioned[i + 1] ?? null, out, ctx)
  return out
}

/** The Provider's flattening of a token to `create_token`'s fields. */
export function payloadFieldsOf(fields: TokenFields): PayloadFields {
  const { scope } = fields
  return {
    userId: fields.userId,
    methods: fields.methods,
    expiresAt: fields.expiresAt,
    auditIds: fields.auditIds,
    system: scope.kind === 'system' ? scope.system : null,
    domainId: scope.kind === 'domain' ? scope.domainId : null,
    projectId:
      scope.kind === 'project' || scope.kind === 'trust' || scope.kind === 'delegation'
        ? scope.projectId
        : null,
    trustId: scope.kind === 'trust' ? scope.trustId : null,
    appCredId: fields.appCredId,
    delegationId: scope.kind === 'delegation' ? scope.delegationId : null,
    accessTokenId: fields.accessTokenId ?? null,
  }
}

/**
 * The scope a decoded payload names: a trust (with its project, if any), else system, domain,
 * project in the order Keystone's TokenModel tests them; any `system` value is Keystone's
 * system scope (`system_scoped` is `system is not None`). Facts beside the scope (application
 * credential, OAuth1 access token, federation, thumbprint) stay in the DecodedToken.
 */
export function scopeOfPayload(d: DecodedToken): Scope {
  if (d.delegationId !== null) {
    if (d.projectId === null) throw new MsgpackFormatError('a delegation without a project')
    return { kind: 'delegation', delegationId: d.delegationId, projectId: d.projectId }
  }
  if (d.trustId !== null) return { kind: 'trust', trustId: d.trustId, projectId: d.projectId }
  if (d.system !== null) return { kind: 'system', system: 'all' }
  if (d.domainId !== null) return { kind: 'domain', domainId: d.domainId }
  if (d.projectId !== null) return { kind: 'project', projectId: d.projectId }
  return { kind: 'unscoped' }
}
