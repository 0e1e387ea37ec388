/**
 * keystone/receipt/receipt_formatters.py `ReceiptFormatter`: an auth receipt is a Fernet token
 * (padding stripped) over the msgpack of `((is_uuid, user_id), methods_bitmask, expires_float)`,
 * with no version byte, under the `[fernet_receipts]` keys. Its issue time is the Fernet
 * timestamp. Every failure to read one is a ReceiptNotFound (keystone's fernet provider turns
 * its ValidationError into one); the receipt itself never reaches a message.
 * @module
 */
import { type Clock, systemClock } from '@baton/config'
import { KeysNotFound, KeystoneError, ReceiptNotFound, UnexpectedError } from '../errors.ts'
import { MethodCodec } from './methods.ts'
import { type PyValue, packPy, unpackPy } from './msgpack_py.ts'
import { expiresFromFloat, expiresToFloat, isotime } from './time_py.ts'
import { tokenBytes } from './token_bytes.ts'
import type { TokenCrypto, TokenKeys } from './token_formatter.ts'
import { isPyArray, packId, unpackId } from './uuid_py.ts'

export interface ReceiptFields {
  readonly userId: string
  readonly methods: readonly string[]
  /** Keystone time string (`isotime(subsecond=True)`). */
  readonly expiresAt: string
  readonly issuedAt: string
}

export interface ReceiptFormatterOptions {
  /** `[fernet_receipts]` keys (the token keys when both options name the same directory). */
  readonly keys: TokenKeys
  /** `[auth] methods`, in order: the methods bitmask, as in tokens. */
  readonly methods: readonly string[]
  readonly clock?: Clock
}

function notFound(cause: unknown): ReceiptNotFound {
  return new ReceiptNotFound(undefined, { cause })
}

export class ReceiptFormatter {
  readonly #keys: TokenKeys
  readonly #methods: MethodCodec
  readonly #clock: Clock

  constructor(options: ReceiptFormatterOptions) {
    this.#keys = options.keys
    this.#methods = new MethodCodec(options.methods)
    this.#clock = options.clock ?? systemClock
  }

  #crypto(): TokenCrypto {
    try {
      return this.#keys.current()
    } catch (cause) {
      if (cause instanceof KeystoneError) throw cause
      throw new KeysNotFound(undefined, { cause })
    }
  }

  /** `create_receipt` plus the provider's `creation_time` (issued_at). */
  createReceipt(
    userId: string,
    methods: readonly string[],
    expiresAt: string,
    options: { now?: number; iv?: Uint8Array } = {},
  ): { receipt: string; fields: ReceiptFields } {
    const payload: PyValue = [
      packId(userId),
      this.#methods.encode(methods),
      expiresToFloat(expiresAt),
    ]
    const now = Math.floor(options.now ?? this.#clock.now() / 1000)
    let padded: string
    try {
      const plaintext = packPy(payload)
      padded = this.#crypto().encrypt(
        plaintext,
        options.iv === undefined ? { now } : { now, iv: options.iv },
      )
    } catch (cause) {
      if (cause instanceof KeystoneError) throw cause
      throw new UnexpectedError(undefined, { cause })
    }
    return {
      receipt: padded.replace(/=+$/, ''),
      fields: { userId, methods: [...methods], expiresAt, issuedAt: isotime(now) },
    }
  }

  /** `validate_receipt`: the fields, methods as the bitmask decodes them (highest bit first). */
  validateReceipt(receipt: string): ReceiptFields {
    const raw = tokenBytes(receipt)
    if (raw === undefined) throw notFound(new Error('not canonical URL-safe base64'))
    const crypto = this.#crypto()
    try {
      const { plaintext, timestamp } = crypto.decryptBytes(raw)
      const payload = unpackPy(plaintext)
      if (!isPyArray(payload) || payload.length < 3) throw new Error('payload is not a triple')
      const userId = unpackId(payload[0] ?? null, 'user_id')
      const methods = payload[1]
      const expires = payload[2]
      if (userId === null) throw new Error('no user_id')
      if (typeof methods !== 'bigint') throw new Error('methods is not an int')
      if (typeof expires !== 'number' && typeof expires !== 'bigint') {
        throw new Error('expires_at is not a number')
      }
      return {
        userId,
        methods: this.#methods.decode(methods),
        expiresAt: expiresFromFloat(Number(expires)),
        issuedAt: isotime(timestamp),
      }
    } catch (cause) {
      throw notFound(cause)
    }
  }
}
