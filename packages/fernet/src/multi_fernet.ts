/**
 * `MultiFernet`: the first key encrypts, every key decrypts, tried in order (pyca MultiFernet).
 * Keystone builds it from the key repository primary-first, so order = [N … 1, 0].
 * @module
 */

import { type Clock, systemClock } from '@baton/config'
import { FernetError, FernetErrorCode, invalidToken } from './errors.ts'
import {
  applyTtl,
  type Decrypted,
  type DecryptOptions,
  type EncryptOptions,
  encryptTime,
  Fernet,
  type FernetOptions,
  keyMaterialOf,
} from './fernet.ts'
import {
  checkRaw,
  type KeyMaterial,
  openRaw,
  parseToken,
  rawTimestamp,
  sealToken,
} from './token_codec.ts'

export class MultiFernet {
  readonly #materials: readonly KeyMaterial[]
  readonly #primary: KeyMaterial
  readonly #clock: Clock

  constructor(keys: readonly (string | Fernet)[], options: FernetOptions = {}) {
    const materials = keys.map((key) =>
      keyMaterialOf(typeof key === 'string' ? new Fernet(key) : key),
    )
    const primary = materials[0]
    // pyca raises ValueError("MultiFernet requires at least one Fernet instance").
    if (primary === undefined) {
      throw new FernetError(
        FernetErrorCode.InvalidArgument,
        'MultiFernet requires at least one key',
      )
    }
    this.#materials = materials
    this.#primary = primary
    this.#clock = options.clock ?? systemClock
  }

  /** Number of keys tried on decrypt. */
  get size(): number {
    return this.#materials.length
  }

  encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): string {
    return sealToken(this.#primary, plaintext, encryptTime(options.now, this.#clock), options.iv)
  }

  /** Decodes once and checks the ttl once, then tries each key's MAC on the same bytes. */
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
    for (const material of this.#materials) {
      const plaintext = openRaw(material, raw)
      if (plaintext !== undefined) return { plaintext, timestamp }
    }
    throw invalidToken('no key matches the signature')
  }
}
