/**
 * Baton's EC2 signature check computes what keystoneclient's Ec2Signer computes (the code
 * Keystone's /v3/ec2tokens verifies with), for every version and the v4 corner cases
 * (fixtures/generate_ec2_signatures.py): query quoting, v1's case-insensitive order, POST without
 * a canonical query, presigned X-Amz-* parameters, Boto 2.9's host without its port.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  type Ec2Request,
  ec2Signature,
} from '../../../../packages/identity/src/core/credentials/ec2_signer.ts'

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/ec2_signatures.json', import.meta.url), 'utf8'),
) as { secret: string; cases: Record<string, { credentials: Ec2Request; signature: string }> }

for (const [name, { credentials, signature }] of Object.entries(golden.cases)) {
  test(`${name}: the signature keystoneclient computes`, () => {
    assert.equal(ec2Signature(golden.secret, structuredClone(credentials)), signature)
  })
}

test('a different secret gives a different signature', () => {
  const first = Object.values(golden.cases)[0]
  assert.ok(first)
  assert.notEqual(ec2Signature('other', structuredClone(first.credentials)), first.signature)
})
