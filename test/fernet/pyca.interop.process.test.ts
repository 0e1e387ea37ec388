/**
 * Interoperability with Python's `cryptography.fernet` (fixtures/generate_pyca.py): byte-equal
 * tokens from the same inputs, pyca tokens decrypt (padded and keystone-style unpadded), the
 * same ttl verdicts; and, when /usr/bin/python3 has cryptography, pyca decrypts ours.
 * @module
 */

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { Fernet, MultiFernet } from '../../packages/fernet/src/index.ts'

type Fixture = {
  keys: string[]
  tokens: {
    key_index: number
    timestamp: number
    iv: string | null
    plaintext: string
    token: string
    keystone_style: string
  }[]
  ttl: { token: string; ttl: number; now: number; valid: boolean }[]
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/pyca_tokens.json', import.meta.url), 'utf8'),
) as Fixture
const fernets = fixture.keys.map((key) => new Fernet(key))
const multi = new MultiFernet(fixture.keys)

test('pyca tokens of every length decrypt, padded and keystone-style unpadded', () => {
  assert.ok(fixture.tokens.length >= 10)
  assert.ok(
    fixture.tokens.some((t) => t.token !== t.keystone_style),
    'some tokens carry padding',
  )
  for (const t of fixture.tokens) {
    for (const token of [t.token, t.keystone_style]) {
      const own = fernets[t.key_index]?.decrypt(token)
      assert.equal(own?.plaintext.toString('hex'), t.plaintext)
      assert.equal(own?.timestamp, t.timestamp)
      assert.equal(multi.decrypt(token).plaintext.toString('hex'), t.plaintext)
    }
  }
})

test('same key, time and IV give the byte-identical token pyca produced', () => {
  for (const t of fixture.tokens) {
    if (t.iv === null) continue
    const options = { now: t.timestamp, iv: Buffer.from(t.iv, 'hex') }
    const token = fernets[t.key_index]?.encrypt(Buffer.from(t.plaintext, 'hex'), options)
    assert.equal(token, t.token)
  }
})

test('ttl and clock-skew verdicts match pyca at the boundaries', () => {
  for (const c of fixture.ttl) {
    let valid = true
    try {
      fernets[0]?.decrypt(c.token, { ttl: c.ttl, now: c.now })
    } catch {
      valid = false
    }
    assert.equal(valid, c.valid, `ttl=${c.ttl} now=${c.now}`)
  }
})

const python = '/usr/bin/python3'
const hasPyca =
  existsSync(python) &&
  spawnSync(python, ['-c', 'import cryptography.fernet'], { stdio: 'ignore' }).status === 0

test('pyca decrypts Baton tokens (live, needs python3-cryptography)', { skip: !hasPyca }, () => {
  const cases = [0, 1, 15, 16, 17, 64, 1000].map((length) => {
    const plaintext = Buffer.alloc(length, length % 256)
    const token = multi.encrypt(plaintext, { now: 1_767_225_600 + length })
    const timestamp = 1_767_225_600 + length
    return { token: token.replace(/=+$/, ''), plaintext: plaintext.toString('hex'), timestamp }
  })
  const script = `
import base64, json, struct, sys
from cryptography.fernet import Fernet, MultiFernet
data = json.load(sys.stdin)
m = MultiFernet([Fernet(k) for k in data['keys']])
out = []
for c in data['cases']:
    t = c['token'] + '=' * (-len(c['token']) % 4)   # keystone restore_padding
    raw = base64.urlsafe_b64decode(t)
    out.append([m.decrypt(t.encode()).hex(), struct.unpack('>Q', raw[1:9])[0]])
print(json.dumps(out))
`
  const run = spawnSync(python, ['-c', script], {
    input: JSON.stringify({ keys: [...fixture.keys].reverse(), cases }),
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  const results = JSON.parse(run.stdout) as [string, number][]
  cases.forEach((c, i) => {
    assert.equal(results[i]?.[0], c.plaintext)
    assert.equal(results[i]?.[1], c.timestamp)
  })
})
