/**
 * Auth receipts (keystone/receipt/provider.py, handlers.py, models/receipt_model.py): when every
 * method given succeeded but the user's multi-factor rules are not met, Keystone answers 401 with
 * an `Openstack-Auth-Receipt` (Fernet, `[receipt] expiration` seconds) and a body naming the
 * methods used and the rules they could still complete; a later request carrying the receipt
 * plus the missing methods gets a token whose methods include the receipt's. A receipt that does
 * not decrypt, has expired or names another user than the methods authenticated is ReceiptNotFound.
 * @module
 */
import type { Clock } from '@baton/config'
import { ReceiptNotFound } from '../../errors.ts'
import type { Domain, User } from '../../store/index.ts'
import type { ReceiptFields, ReceiptFormatter } from '../../token/receipt_formatter.ts'
import { isotime, parseIsotimeMicros } from '../../token/time_py.ts'
import { parseMfaRules } from './mfa_rules.ts'

export const AUTH_RECEIPT_HEADER = 'Openstack-Auth-Receipt'

export interface ReceiptService {
  /** A receipt for these methods, expiring `[receipt] expiration` seconds from now. */
  issue(userId: string, methods: readonly string[]): { id: string; fields: ReceiptFields }
  /** The receipt's fields. @throws ReceiptNotFound unreadable or expired */
  validate(receipt: string): ReceiptFields
}

export function createReceiptService(options: {
  readonly formatter: ReceiptFormatter
  readonly clock: Clock
  /** `[receipt] expiration`, seconds. */
  readonly expirationSeconds: number
}): ReceiptService {
  const { formatter, clock, expirationSeconds } = options
  return {
    issue(userId, methods) {
      // default_expire_time: utcnow + expiration, microseconds dropped
      const expiresAt = isotime(Math.floor(clock.now() / 1000) + expirationSeconds)
      const { receipt, fields } = formatter.createReceipt(userId, methods, expiresAt)
      return { id: receipt, fields }
    },
    validate(receipt) {
      const fields = formatter.validateReceipt(receipt)
      const expiresMs = Number(parseIsotimeMicros(fields.expiresAt) / 1000n)
      if (!(clock.now() < expiresMs)) {
        throw new ReceiptNotFound(undefined, { cause: new Error('receipt expired') })
      }
      return fields
    },
  }
}

/**
 * `ReceiptModel.required_methods`: every rule (its enabled methods only) sharing a method with
 * those used. Keystone builds each from a Python set, in no fixed order; Baton keeps the rule's.
 */
export function requiredAuthMethods(
  user: User,
  usedMethods: readonly string[],
  enabledMethods: readonly string[],
): string[][] {
  const used = new Set(usedMethods)
  return parseMfaRules(user.options.multi_factor_auth_rules)
    .map((rule) => rule.filter((m) => enabledMethods.includes(m)))
    .filter((rule) => rule.some((m) => used.has(m)))
}

/** `_render_receipt_response_from_model`. */
export function receiptBody(
  fields: ReceiptFields,
  user: User,
  domain: Domain,
  required: string[][],
): object {
  return {
    receipt: {
      methods: [...fields.methods],
      user: {
        id: user.id,
        name: user.name,
        domain: { id: domain.id, name: domain.name },
      },
      expires_at: fields.expiresAt,
      issued_at: fields.issuedAt,
    },
    required_auth_methods: required,
  }
}
