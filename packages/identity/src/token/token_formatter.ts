/**
 * keystone/token/token_formatters.py `TokenFormatter`: fields -> msgpack payload -> Fernet token
 * with the `=` padding stripped, and back. Keys come from a provider asked on every call, as
 * Keystone re-reads its key repository on every pack and unpack, so rotations and rsynced keys
 * apply without a restart. Errors never contain the token.
 * @module
 */

import { type Clock, systemClock } from '@baton/config'
import {
  KeysNotFound,
  KeystoneError,
  TokenNotFound,
  TokenPayloadError,
  UnexpectedError,
} from '../errors.ts'
import { MethodCodec } from './methods.ts'
import { MsgpackUnicodeError, type PyValue, packPy, unpackPy } from './msgpack_py.ts'
import type { PayloadContext } from './payload_fields.ts'
import {
  assemblePayload,
  disassemblePayload,
  isPayloadVersion,
  selectPayloadVersion,
} from './payloads.ts'
import { expiresFromFloat, expiresToFloat, isotime } from './time_py.ts'
import { tokenBytes } from './token_bytes.ts'
import type { DecodedToken, PayloadFields, PayloadVersion } from './token_fields.ts'
import { isPyArray } from './uuid_py.ts'

/** The slice of `@baton/fernet`'s MultiFernet the formatter uses. */
export interface TokenCrypto {
  /** Returns a padded base64url token. `now` is unix seconds. */
  encrypt(plaintext: Uint8Array, options?: { now?: number; iv?: Uint8Array }): string
  /** Takes the token already decoded from base64url; called without a ttl, as Keystone does. */
  decryptBytes(token: Uint8Array): { plaintext: Uint8Array; timestamp: number }
}

/** Hands out the current key set (e.g. a watched key repository); asked on every call. */
export interface TokenKeys {
  current(): TokenCrypto
}

export interface TokenFormatterOptions {
  readonly keys: TokenKeys
  /** `[auth] methods`, in order: it defines the methods bitmask. */
  readonly methods: readonly string[]
  /** `[identity] default_domain_id`. */
  readonly defaultDomainId: string
  /** Defaults to the wall clock. */
  readonly clock?: Clock
}

export interface CreateTokenOptions {
  /** Fernet timestamp, unix seconds (default: the clock). */
  readonly now?: number
  /** 16-byte Fernet IV, for reproducible tests only (default: random). */
  readonly iv?: Uint8Array
}

export interface CreatedToken {
  /** Unpadded base64url, as Keystone hands it out. */
  readonly token: string
  readonly version: PayloadVersion
  readonly issuedAt: string
  /** As validation will report it (whole seconds). */
  readonly expiresAt: string
  /**
   * What `validateToken(token)` returns for it, decoded from the plaintext just encrypted:
   * decryption would give back exactly those bytes, so it is skipped.
   */
  readonly decoded: DecodedToken
}

const UNRECOGNIZED = 'Could not recognize Fernet token'

function unrecognized(cause: unknown): TokenNotFound {
  return new TokenNotFound(UNRECOGNIZED, { cause })
}

/** The token's bytes, or TokenNotFound when it is not a canonical spelling (see tokenBytes). */
function decodeToken(token: unknown): Buffer {
  if (typeof token !== 'string') throw unrecognized(new TypeError('token is not a string'))
  const raw = tokenBytes(token)
  if (raw === undefined) throw unrecognized(new Error('not canonical URL-safe base64'))
  return raw
}

/** msgpack.unpackb, retried with raw=True when a str is not UTF-8 (payloads from msgpack < 1.0). */
function unpackPayload(plaintext: Uint8Array): PyValue {
  try {
    return unpackPy(plaintext)
  } catch (error) {
    if (!(error instanceof MsgpackUnicodeError)) throw error
    return unpackPy(plaintext, { raw: true })
  }
}

export class TokenFormatter {
  readonly #keys: TokenKeys
  readonly #ctx: PayloadContext
  readonly #clock: Clock

  constructor(options: TokenFormatterOptions) {
    this.#keys = options.keys
    this.#ctx = {
      methods: new MethodCodec(options.methods),
      defaultDomainId: options.defaultDomainId,
    }
    this.#clock = options.clock ?? systemClock
  }

  /** The current key set (the keys' provider hands out a new object when the keys change). */
  keySet(): object {
    return this.#crypto()
  }

  #crypto(): TokenCrypto {
    try {
      return this.#keys.current()
    } catch (cause) {
      if (cause instanceof KeystoneError) throw cause
      throw new KeysNotFound(undefined, { cause })
    }
  }

  /** keystone `create_token` with the Provider's payload-class choice. */
  createToken(fields: PayloadFields, options: CreateTokenOptions = {}): CreatedToken {
    let version: PayloadVersion
    let payload: Uint8Array
    let expiresAt: string
    try {
      version = selectPayloadVersion(fields)
      payload = packPy(assemblePayload(version, fields, this.#ctx))
      // Keystone would pack an expiry it cannot validate; refuse instead.
      expiresAt = expiresFromFloat(expiresToFloat(fields.expiresAt))
    } catch (cause) {
      if (cause instanceof TokenPayloadError) throw cause
      const detail = cause instanceof Error ? `: ${cause.message}` : ''
      throw new TokenPayloadError(`cannot pack the token fields${detail}`, { cause })
    }
    const now = Math.floor(options.now ?? this.#clock.now() / 1000)
    const issuedAt = isotime(now)
    const crypto = this.#crypto()
    let padded: string
    try {
      padded = crypto.encrypt(payload, options.iv === undefined ? { now } : { now, iv: options.iv })
    } catch (cause) {
      throw new UnexpectedError(undefined, { cause })
    }
    // keystone `pack`: base64 padding is not URL-safe
    const token = padded.replace(/=+$/, '')
    return { token, version, issuedAt, expiresAt, decoded: this.#decode(payload, issuedAt) }
  }

  /**
   * keystone `validate_token`. Every failure is a TokenNotFound (404) with Keystone's message:
   * "Could not recognize Fernet token", or for an unknown int version "This is not a recognized
   * Fernet payload version: N". Payload details stay in `cause`.
   */
  validateToken(token: string): DecodedToken {
    const raw = decodeToken(token)
    const crypto = this.#crypto()
    let plaintext: Uint8Array
    let issuedAt: string
    try {
      const decrypted = crypto.decryptBytes(raw)
      plaintext = decrypted.plaintext
      issuedAt = isotime(decrypted.timestamp) // creation_time: the Fernet timestamp
    } catch (cause) {
      throw unrecognized(cause)
    }
    return this.#decode(plaintext, issuedAt)
  }

  /** The payload half of `validateToken`: msgpack, version, fields. */
  #decode(plaintext: Uint8Array, issuedAt: string): DecodedToken {
    let versioned: PyValue
    try {
      versioned = unpackPayload(plaintext)
    } catch (cause) {
      throw unrecognized(cause)
    }
    if (!isPyArray(versioned)) throw unrecognized(new Error('payload is not an array'))
    const version = versioned[0]
    if (typeof version !== 'bigint') throw unrecognized(new Error('payload version is not an int'))
    if (!isPayloadVersion(version)) {
      throw new TokenNotFound(`This is not a recognized Fernet payload version: ${version}`)
    }
    try {
      return disassemblePayload(Number(version) as PayloadVersion, versioned, this.#ctx, issuedAt)
    } catch (cause) {
      throw unrecognized(cause)
    }
  }
}
