import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

/** Runs `baton up` until it prints its usage, checks the cloud answers, then stops it. */
async function upOnce(dataDir: string): Promise<{ stdout: string; status: number | null }> {
  const child = spawn(process.execPath, [BATON_BIN, 'up', '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const deadline = Date.now() + 30_000
  while (!stdout.includes('Ctrl-C stops everything.')) {
    assert.ok(
      Date.now() < deadline && child.exitCode === null,
      `baton up did not come up: ${stderr}`,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const authUrl = /export OS_AUTH_URL=(\S+)/.exec(stdout)?.[1] ?? ''
  const password = /export OS_PASSWORD=(\S+)/.exec(stdout)?.[1] ?? ''
  const res = await fetch(`${authUrl}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  })
  assert.equal(res.status, 201, 'the printed OS_* credentials authenticate')
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGINT')
  const status = await exited
  return { stdout, status }
}

test('baton up creates the local cloud, serves identity, prints OS_* and stops on Ctrl-C', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-')), 'cloud')
  const first = await upOnce(dataDir)
  assert.equal(first.status, 0)
  assert.match(first.stdout, /^Created the local cloud in /)
  assert.match(first.stdout, /not implemented yet: compute, volume, image, object/)
  assert.match(first.stdout, /Stopping\.\.\./)
  assert.equal(statSync(join(dataDir, 'admin-password')).mode & 0o777, 0o600)
  const conf = readFileSync(join(dataDir, 'identity.conf'), 'utf8')

  const second = await upOnce(dataDir)
  assert.equal(second.status, 0)
  assert.match(second.stdout, /^Reusing the local cloud in /)
  assert.equal(readFileSync(join(dataDir, 'identity.conf'), 'utf8'), conf, 'the config is kept')
  const password = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim()
  assert.doesNotMatch(
    readFileSync(join(dataDir, 'logs', 'identity.log'), 'utf8'),
    new RegExp(password),
  )
})
