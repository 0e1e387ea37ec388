/**
 * Keystone's BasePayload conversions for the fields that are not `(flag, id)` pairs: the methods
 * int, the float expiry, audit IDs as raw bytes, the domain-scoped token's bare domain, the
 * trust-scoped token's bare trust ID, and plain text (system, protocol).
 * @module
 */

import { TokenPayloadError } from '../errors.ts'
import type { MethodCodec } from './methods.ts'
import { MsgpackFormatError, type PyValue } from './msgpack_py.ts'
import { expiresFromFloat, expiresToFloat } from './time_py.ts'
import { isPyArray, pyText, pyUuidBytes, uuidHex } from './uuid_py.ts'

/** What payload conversions depend on besides the fields: two config options. */
export interface PayloadContext {
  readonly methods: MethodCodec
  /** `[identity] default_domain_id`: the one non-UUID domain a domain-scoped token may carry. */
  readonly defaultDomainId: string
}

export function packMethods(methods: readonly string[], ctx: PayloadContext): bigint {
  return ctx.methods.encode(methods)
}

export function unpackMethods(value: PyValue, ctx: PayloadContext): string[] {
  if (typeof value !== 'bigint') throw new MsgpackFormatError('methods is not an int')
  return ctx.methods.decode(value)
}

export function packExpires(expires: string | Date): number {
  return expiresToFloat(expires)
}

/** A float (or an int, which utcfromtimestamp also takes) to Keystone's expires_at string. */
export function unpackExpires(value: PyValue): string {
  if (typeof value === 'number') return expiresFromFloat(value)
  if (typeof value === 'bigint' && value >= -(2n ** 53n) && value <= 2n ** 53n) {
    return expiresFromFloat(Number(value))
  }
  throw new MsgpackFormatError('expires_at is not a number')
}

const AUDIT_ID = /^[A-Za-z0-9_-]{22}$/

/** keystone `random_urlsafe_str_to_bytes`, restricted to what `random_urlsafe_str` makes. */
export function packAuditIds(auditIds: readonly string[]): Uint8Array[] {
  if (auditIds.length < 1 || auditIds.length > 2) {
    throw new TokenPayloadError('a token carries [audit_id] or [audit_id, parent_audit_id]')
  }
  return auditIds.map((id) => {
    const bytes = AUDIT_ID.test(id) ? Buffer.from(id, 'base64url') : undefined
    // Canonical only: Python ignores the last character's low bits, which would alias IDs.
    if (bytes === undefined || bytes.toString('base64url') !== id) {
      throw new TokenPayloadError('an audit ID is not 16 bytes of URL-safe base64 (22 chars)')
    }
    return Uint8Array.from(bytes)
  })
}

/** keystone `base64_encode` over the list; Baton requires the 1-2 IDs of 16 bytes it writes. */
export function unpackAuditIds(value: PyValue): string[] {
  if (!isPyArray(value)) throw new MsgpackFormatError('audit_ids is not an array')
  if (value.length < 1 || value.length > 2) {
    throw new MsgpackFormatError('audit_ids must hold 1 or 2 IDs')
  }
  return value.map((id) => {
    if (!(id instanceof Uint8Array) || id.length !== 16) {
      throw new MsgpackFormatError('an audit ID is not 16 bytes')
    }
    const bytes = Buffer.isBuffer(id) ? id : Buffer.from(id.buffer, id.byteOffset, id.length)
    return bytes.toString('base64url')
  })
}

function codePoints(s: string): number {
  return Array.from(s).length
}

/**
 * DomainScopedPayload: 16 UUID bytes, or the default domain ID as a bare str. Keystone raises for
 * any other non-UUID domain. A 16-character default domain ID is refused too: Keystone packs it
 * but `uuid.UUID(bytes=str)` then fails on every validation.
 */
export function packDomainV1(domainId: string | null, ctx: PayloadContext): Uint8Array | string {
  const bytes = domainId === null ? null : pyUuidBytes(domainId)
  if (bytes !== null) return bytes
  if (domainId === null || domainId !== ctx.defaultDomainId) {
    throw new TokenPayloadError('a domain-scoped token needs a UUID or the default domain ID')
  }
  if (codePoints(domainId) === 16) {
    throw new TokenPayloadError('a 16-character default_domain_id cannot be validated by Keystone')
  }
  return domainId
}

/**
 * `convert_uuid_bytes_to_hex` first; on ValueError (bytes not 16 long) decode and accept only the
 * default domain. A 16-character str makes keystone fail outright, so it is refused.
 */
export function unpackDomainV1(value: PyValue, ctx: PayloadContext): string {
  if (value instanceof Uint8Array && value.length === 16) return uuidHex(value)
  if (typeof value === 'string' && codePoints(value) === 16) {
    throw new MsgpackFormatError('domain_id is a 16-character str, not UUID bytes')
  }
  const text = pyText(value, 'domain_id')
  if (text !== ctx.defaultDomainId) {
    throw new MsgpackFormatError('domain_id is neither a UUID nor the default domain')
  }
  return text
}

/** TrustScopedPayload: trust IDs are always UUIDs, stored as 16 bare bytes. */
export function packTrustId(trustId: string | null): Uint8Array {
  const bytes = trustId === null ? null : pyUuidBytes(trustId)
  if (bytes === null) throw new TokenPayloadError('a trust ID must be a UUID')
  return bytes
}

export function unpackTrustId(value: PyValue): string {
  if (!(value instanceof Uint8Array) || value.length !== 16) {
    throw new MsgpackFormatError('trust_id is not 16 bytes')
  }
  return uuidHex(value)
}

/** system (v8) and protocol_id (v4-v6): str, or bytes from a legacy raw payload. */
export function packText(value: string | null, what: string): string {
  if (value === null) throw new TokenPayloadError(`${what} is required for this token`)
  return value
}

export function unpackText(value: PyValue, what: string): string {
  return pyText(value, what)
}
