/**
 * `Fernet`: one key, the spec's encrypt/decrypt (behaves as pyca `cryptography.fernet.Fernet`).
 * @module
 */

import { type Clock, systemClock } from '@baton/config'
import { FernetError, FernetErrorCode, invalidToken } from './errors.ts'
import {
  checkRaw,
  checkTtl,
  clockSeconds,
  deriveKeyMaterial,
  type KeyMaterial,
  openRaw,
  parseToken,
  rawTimestamp,
  sealToken,
} from './token_codec.ts'

export type FernetOptions = {
  /** Milliseconds since the epoch; defaults to Date.now. */
  clock?: Clock
}
export type EncryptOptions = {
  /** Token timestamp in unix seconds (default: the clock). */
  now?: number
  /** 16-byte IV (default: random). Only tests and vectors should pass one. */
  iv?: Uint8Array
}
export type DecryptOptions = {
  /** Seconds; when given, expiry and the 60 s clock-skew rule apply (pyca). Keystone passes none. */
  ttl?: number
  /** Unix seconds used for the ttl checks (default: the clock). */
  now?: number
}
export type Decrypted = { plaintext: Buffer; timestamp: number }

// Lets MultiFernet reuse a Fernet's derived key without exposing it on the public class.
let materialOf: (fernet: Fernet) => KeyMaterial

export class Fernet {
  readonly #material: KeyMaterial
  readonly #clock: Clock

  static {
    materialOf = (fernet) => fernet.#material
  }

  /** `key`: base64url of 32 bytes (44 chars padded, 43 unpadded). */
  constructor(key: string, options: FernetOptions = {}) {
    this.#material = deriveKeyMaterial(key)
    this.#clock = options.clock ?? systemClock
  }

  encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): string {
    return sealToken(this.#material, plaintext, encryptTime(options.now, this.#clock), options.iv)
  }

  decrypt(token: string, options: DecryptOptions = {}): Decrypted {
    return this.#open(parseToken(token), options)
  }

  /** `decrypt` for a token its caller already decoded from base64url (no second decode). */
  decryptBytes(token: Uint8Array, options: DecryptOptions = {}): Decrypted {
    return this.#open(checkRaw(token), options)
  }

  #open(raw: Buffer, options: DecryptOptions): Decrypted {
    const timestamp = rawTimestamp(raw)
    applyTtl(timestamp, options, this.#clock)
    const plaintext = openRaw(this.#material, raw)
    if (plaintext === undefined) throw invalidToken('signature mismatch')
    return { plaintext, timestamp }
  }
}

export function keyMaterialOf(fernet: Fernet): KeyMaterial {
  return materialOf(fernet)
}

/** Unix seconds in a token's bytes 1..8, unauthenticated (keystone `creation_time` does the same). */
export function fernetTimestamp(token: string): number {
  return rawTimestamp(parseToken(token))
}

export function encryptTime(now: number | undefined, clock: Clock): number {
  return now === undefined ? clockSeconds(clock) : Math.floor(now)
}

export function applyTtl(timestamp: number, options: DecryptOptions, clock: Clock): void {
  const { ttl } = options
  if (ttl === undefined) return
  if (!Number.isFinite(ttl)) {
    throw new FernetError(FernetErrorCode.InvalidArgument, 'ttl must be a finite number of seconds')
  }
  checkTtl(timestamp, ttl, options.now ?? clockSeconds(clock))
}
