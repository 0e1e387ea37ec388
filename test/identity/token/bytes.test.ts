/**
 * tokenBytes (the formatter's one decode of a token's text) accepts exactly what the previous
 * decode-and-re-encode check accepted, and gives the same bytes.
 * @module
 */

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { tokenBytes } from '../../../packages/identity/src/token/token_bytes.ts'

/** The previous implementation: keystone restore_padding, then a canonical round trip. */
function reference(token: string): Buffer | undefined {
  const padded = token.length % 4 === 0 ? token : token + '='.repeat(4 - (token.length % 4))
  const body = padded.replace(/={1,2}$/, '')
  const canonical =
    /^[A-Za-z0-9_-]*$/.test(body) &&
    body.length % 4 !== 1 &&
    Buffer.from(body, 'base64url').toString('base64url') === body
  return canonical ? Buffer.from(padded, 'base64url') : undefined
}

function agree(token: string): void {
  const want = reference(token)
  const got = tokenBytes(token)
  if (want === undefined) assert.equal(got, undefined, JSON.stringify(token))
  else assert.deepEqual(got, want, JSON.stringify(token))
}

describe('tokenBytes', () => {
  it('agrees with decode + re-encode on every short string over a mixed alphabet', () => {
    const chars = ['A', 'B', 'Q', 'g', 'w', '_', '-', '=', '+', '/', '.', ' ', 'é']
    let strings = ['']
    for (let length = 1; length <= 5; length++) {
      strings = strings.flatMap((s) => chars.map((c) => s + c))
      for (const s of strings) agree(s)
    }
  })

  it('agrees on real-sized tokens, padded, unpadded and mutated at every position', () => {
    for (let n = 57; n <= 75; n++) {
      const text = randomBytes(n).toString('base64url')
      for (const padding of ['', '=', '==', '===']) agree(text + padding)
      for (let i = 0; i < text.length; i++) {
        for (const c of ['=', '+', '/', '\n', 'A', 'B', 'f', 'g', '\u{1F600}']) {
          agree(text.slice(0, i) + c + text.slice(i + 1))
        }
      }
    }
  })

  it('rejects non-zero unused bits, surplus padding and a length of 1 mod 4', () => {
    assert.deepEqual(tokenBytes('gA'), Buffer.from([0x80]))
    assert.deepEqual(tokenBytes('gA=='), Buffer.from([0x80]))
    assert.deepEqual(tokenBytes('gA='), Buffer.from([0x80])) // restore_padding adds the second
    for (const bad of ['gB', 'gAB', 'gAC', 'gA===', 'gAA==', 'gAAAA', '=', 'gA=A'])
      assert.equal(tokenBytes(bad), undefined, bad)
    assert.deepEqual(tokenBytes('gAE'), Buffer.from([0x80, 0x01]))
  })
})
