/**
 * Loads test/identity/fixtures/keystone_tokens.json (written by generate_keystone_tokens.py from the
 * real Keystone) and builds Baton formatters over the same key repository.
 * @module
 */

import { readFileSync } from 'node:fs'
import type { Clock } from '@baton/config'
import { MultiFernet } from '@baton/fernet'
import {
  DEFAULT_AUTH_METHODS,
  type DecodedToken,
  type PayloadFields,
  TokenFormatter,
} from '../../../packages/identity/src/index.ts'

export interface FixtureConfig {
  methods: string[]
  default_domain_id: string
}

/** Keystone's validate_token output, keyed like keystone's tuple. */
export interface KeystoneResult {
  user_id: string
  methods: string[]
  audit_ids: string[]
  system: string | null
  domain_id: string | null
  project_id: string | null
  trust_id: string | null
  federated_group_ids: string[] | null
  identity_provider_id: string | null
  protocol_id: string | null
  access_token_id: string | null
  app_cred_id: string | null
  thumbprint: string | null
  issued_at: string
  expires_at: string
}

export interface TokenCase {
  name: string
  version: number
  config: FixtureConfig
  fields: {
    user_id: string
    methods: string[]
    expires_at: string
    audit_ids: string[]
    system: string | null
    domain_id: string | null
    project_id: string | null
    trust_id: string | null
    federated_group_ids: string[] | null
    identity_provider_id: string | null
    protocol_id: string | null
    access_token_id: string | null
    app_cred_id: string | null
    thumbprint: string | null
  }
  now: number
  iv_hex: string
  msgpack_hex: string
  token: string
  keystone: { ok: KeystoneResult } | { error: string }
  expected: KeystoneResult
}

export interface EdgeCase {
  name: string
  msgpack_hex: string
  token: string
  keystone: { ok: KeystoneResult } | { error: string }
  baton: string
}

export interface Fixture {
  keystone: string
  keys_load_order: string[]
  cases: TokenCase[]
  edge_cases: EdgeCase[]
  token_string_cases: { name: string; token: string; keystone: 'ok' | 'error' }[]
  msgpack_cases: {
    spec: ValueSpec
    length: number
    sha256: string
    hex?: string
    head_hex?: string
  }[]
  uuid_cases: { input: string; bytes_hex: string | null }[]
  method_cases: {
    config: string[]
    encode: { methods: string[]; int: string }[]
    decode: { int: string; methods: string[] }[]
  }[]
  time_cases: {
    to_float: { input: string; float_hex?: string; error?: string }[]
    from_float: { float_hex: string; iso?: string; error?: string }[]
  }
}

export type ValueSpec =
  | { t: 'nil' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: string }
  | { t: 'float'; hex: string }
  | { t: 'str'; v: string; n?: number }
  | { t: 'bin'; hex: string; n?: number }
  | { t: 'array'; v: ValueSpec[]; n?: number }

const path = new URL('../fixtures/keystone_tokens.json', import.meta.url)
export const fixture: Fixture = JSON.parse(readFileSync(path, 'utf8'))

/** The key repository as Keystone loads it (primary first). */
export const keystoneKeys = new MultiFernet(fixture.keys_load_order)

export function formatterFor(config: Partial<FixtureConfig> = {}, clock?: Clock): TokenFormatter {
  return new TokenFormatter({
    keys: { current: () => keystoneKeys },
    methods: config.methods ?? [...DEFAULT_AUTH_METHODS],
    defaultDomainId: config.default_domain_id ?? 'default',
    ...(clock === undefined ? {} : { clock }),
  })
}

export function tokenFields(f: TokenCase['fields']): PayloadFields {
  return {
    userId: f.user_id,
    methods: f.methods,
    expiresAt: f.expires_at,
    auditIds: f.audit_ids,
    system: f.system,
    domainId: f.domain_id,
    projectId: f.project_id,
    trustId: f.trust_id,
    federatedGroupIds: f.federated_group_ids,
    identityProviderId: f.identity_provider_id,
    protocolId: f.protocol_id,
    accessTokenId: f.access_token_id,
    appCredId: f.app_cred_id,
    thumbprint: f.thumbprint,
  }
}

/** Keystone's tuple as a DecodedToken, for deepStrictEqual. */
export function decodedFrom(version: number, k: KeystoneResult): DecodedToken {
  return {
    version: version as DecodedToken['version'],
    userId: k.user_id,
    methods: k.methods,
    projectId: k.project_id,
    domainId: k.domain_id,
    system: k.system,
    trustId: k.trust_id,
    appCredId: k.app_cred_id,
    federatedGroupIds: k.federated_group_ids,
    identityProviderId: k.identity_provider_id,
    protocolId: k.protocol_id,
    accessTokenId: k.access_token_id,
    thumbprint: k.thumbprint,
    delegationId: null,
    auditIds: k.audit_ids,
    expiresAt: k.expires_at,
    issuedAt: k.issued_at,
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
