/**
 * `baton demo long-job --window 0` for real (five processes per cloud, real seconds), identity's
 * allow_expired_window being 0: with delegation the server goes ACTIVE after the user's token
 * expired and each hop's actor chain is on the timeline; with plain service tokens it goes ERROR
 * naming the hop, and the doctor names `delegate`. Exit status 0.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

test('demo long-job --window 0: delegation reaches ACTIVE, plain service tokens ERROR; exit 0', {
  timeout: 240_000,
}, async () => {
  const child = spawn(process.execPath, [BATON_BIN, 'demo', 'long-job', '--window', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  assert.equal(status, 0, out)
  const [delegating = '', plain = ''] = out.split('2) The same with plain service tokens')
  assert.match(delegating, /allow_expired_window = 0/)
  assert.match(delegating, /compute obtained a delegation for compute:boot:/)
  assert.match(delegating, /volume narrowed a delegation .*\(actors: nova -> cinder\)/)
  assert.match(
    delegating,
    /volume accepted delegation \w+ \(compute:boot:[^)]+\), actor chain: nova\n/,
  )
  assert.match(
    delegating,
    /object accepted delegation \w+ \(compute:boot:[^)]+\), actor chain: nova -> cinder/,
  )
  assert.match(delegating, /the user's token has EXPIRED[\s\S]*is ACTIVE/)
  assert.doesNotMatch(delegating, /accepted the EXPIRED user token/)
  assert.match(plain, /is ERROR: .*(compute|volume|image) -> \S+ .*401/)
  assert.match(plain, /\[service_user\] delegate/)
  assert.doesNotMatch(out, /\n\s+at \S+ \(/, 'no stack traces')
})
