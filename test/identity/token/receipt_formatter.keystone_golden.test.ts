/**
 * Auth receipts against Keystone 22's own ReceiptFormatter (fixtures/keystone_receipts.json, from
 * generate_keystone_receipts.py): receipts Keystone made validate in Baton to what Keystone's
 * validate_receipt read back, and for the same time and IV Baton makes the very same receipt
 * (payload, methods bitmask with totp, float expiry). Another key, a changed byte or text that
 * is not a receipt is ReceiptNotFound.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { generateKey, MultiFernet } from '@baton/fernet'
import { ReceiptNotFound } from '../../../packages/identity/src/errors.ts'
import { ReceiptFormatter } from '../../../packages/identity/src/token/receipt_formatter.ts'

type Case = {
  user_id: string
  methods: string[]
  expires_at: string
  receipt: string
  validated: { user_id: string; methods: string[]; issued_at: string; expires_at: string }
  fixed_receipt: string
}
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_receipts.json', import.meta.url), 'utf8'),
) as { key: string; methods: string[]; iv: string; now: number; cases: Case[] }

function formatter(key = golden.key): ReceiptFormatter {
  const keys = new MultiFernet([key])
  return new ReceiptFormatter({ keys: { current: () => keys }, methods: golden.methods })
}

describe('test/identity/token/receipt_formatter.keystone_golden', () => {
  test("Keystone's receipts validate in Baton to what Keystone read back", () => {
    assert.equal(golden.cases.length, 4)
    for (const c of golden.cases) {
      const fields = formatter().validateReceipt(c.receipt)
      assert.deepEqual(
        {
          user_id: fields.userId,
          methods: fields.methods,
          issued_at: fields.issuedAt,
          expires_at: fields.expiresAt,
        },
        c.validated,
        c.receipt,
      )
    }
  })

  test('for the same time and IV Baton makes byte-identical receipts', () => {
    const iv = Buffer.from(golden.iv, 'hex')
    for (const c of golden.cases) {
      const made = formatter().createReceipt(c.user_id, c.methods, c.expires_at, {
        now: golden.now,
        iv,
      })
      assert.equal(made.receipt, c.fixed_receipt, JSON.stringify(c.methods))
      assert.equal(made.fields.issuedAt, '2030-01-01T00:00:07.000000Z')
    }
  })

  test('another key, a flipped byte, or not a receipt: ReceiptNotFound', () => {
    const receipt = golden.cases[0]?.receipt ?? ''
    const flipped = `${receipt.slice(0, 40)}${receipt[40] === 'A' ? 'B' : 'A'}${receipt.slice(41)}`
    for (const [bad, f] of [
      [receipt, formatter(generateKey())],
      [flipped, formatter()],
      ['garbage!', formatter()],
      ['', formatter()],
    ] as const) {
      assert.throws(() => f.validateReceipt(bad), ReceiptNotFound)
    }
  })
})
