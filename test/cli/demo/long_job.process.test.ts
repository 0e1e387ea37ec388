/**
 * `baton demo long-job` for real (five processes per cloud, real seconds): with service tokens the
 * server goes ACTIVE after the user's token expired, every hop having vouched for it; without them
 * it goes ERROR naming the hop, and the doctor names the option. The receivers' /metrics counted
 * the expired tokens they let in. Exit status 0.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

test('demo long-job shows both outcomes and exits 0', { timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, [BATON_BIN, 'demo', 'long-job'], {
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
  const [withTokens = '', without = ''] = out.split('2) The same without service tokens')
  assert.match(withTokens, /the user's token has EXPIRED/)
  for (const service of ['volume', 'image', 'object']) {
    assert.match(withTokens, new RegExp(`${service} accepted the EXPIRED user token`))
  }
  assert.match(withTokens, /is ACTIVE/)
  // the receivers' /metrics counted the expired tokens they let in, by the vouching service user
  assert.match(
    withTokens,
    /\/metrics, baton_middleware_expired_tokens_accepted_total: .*volume [1-9]\d* \(on nova's word\)/,
  )
  assert.match(without, /is ERROR: .*(compute|volume|image) -> \S+ .*401/)
  assert.match(without, /\[service_user\] send_service_user_token/)
  assert.doesNotMatch(out, /\n\s+at \S+ \(/, 'no stack traces')
})
