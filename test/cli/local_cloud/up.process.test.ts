/**
 * `baton up` for real: five processes (identity, compute, volume, image, object) on loopback, the
 * printed OS_* block authenticates, the catalog lists the four services at the printed URLs, every
 * service answers, Ctrl-C stops everything, and a second run reuses the data and passwords, keeps
 * the config the user edited (saying which options differ), writes the one deleted and moves the
 * unedited ones to its new ports. Every program answers /healthcheck `OK` (503 while its drain
 * file exists) and /metrics.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

type Up = { stdout: string; stderr: string; status: number | null; catalogTypes: string[] }

/** Runs `baton up` until it prints its usage, checks the cloud answers, then stops it. */
async function upOnce(dataDir: string): Promise<Up> {
  const child = spawn(process.execPath, [BATON_BIN, 'up', '--data-dir', dataDir, '--any-ports'], {
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  try {
    const deadline = Date.now() + 150_000
    while (!stdout.includes('Ctrl-C stops everything.')) {
      assert.ok(
        Date.now() < deadline && child.exitCode === null,
        `baton up did not come up: ${stderr}`,
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const authUrl = /export OS_AUTH_URL=(\S+)/.exec(stdout)?.[1] ?? ''
    const password = /export OS_PASSWORD=(\S+)/.exec(stdout)?.[1] ?? ''
    const res = await fetch(`${authUrl}/auth/tokens`, {
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
    const catalog = (
      (await res.json()) as { token: { catalog: { type: string; endpoints: { url: string }[] }[] } }
    ).token.catalog
    for (const [, name, url] of stdout.matchAll(
      /^ {2}(compute|volume|image|object) +(http:\/\/\S+)/gm,
    )) {
      const answer = await fetch(`${url}/`)
      assert.ok(answer.status < 500, `${name} answers at ${url}`)
      await answer.arrayBuffer()
      assert.ok(
        catalog.some((s) => s.endpoints.some((e) => e.url.startsWith(url ?? ''))),
        `${name} is in the catalog at ${url}`,
      )
    }
    // every program: /healthcheck OK (disable_by_file), /metrics on; a drain file turns it 503
    const identityUrl = authUrl.replace(/\/v3$/, '')
    const programUrls = [
      identityUrl,
      ...[...stdout.matchAll(/^ {2}(?:compute|volume|image|object) +(http:\/\/\S+)/gm)].map(
        (m) => m[1] ?? '',
      ),
    ]
    for (const url of programUrls) {
      const health = await fetch(`${url}/healthcheck`)
      assert.equal(`${health.status} ${await health.text()}`, '200 OK', `${url}/healthcheck`)
      const metrics = await fetch(`${url}/metrics`)
      assert.equal(metrics.status, 200, `${url}/metrics`)
      assert.match(await metrics.text(), /^# HELP baton_/m)
    }
    writeFileSync(join(dataDir, 'volume.drain'), '')
    const volumeUrl = /^ {2}volume +(\S+)/m.exec(stdout)?.[1] ?? ''
    const drained = await fetch(`${volumeUrl}/healthcheck`)
    assert.equal(`${drained.status} ${await drained.text()}`, '503 DISABLED BY FILE')
    rmSync(join(dataDir, 'volume.drain'))
    child.kill('SIGINT')
    const status = await exited
    return { stdout, stderr, status, catalogTypes: catalog.map((s) => s.type).sort() }
  } finally {
    child.kill('SIGINT')
  }
}

test('baton up brings up the whole local cloud, prints how to use it and stops on Ctrl-C', {
  timeout: 300_000,
}, async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-')), 'cloud')
  const first = await upOnce(dataDir)
  assert.match(first.stdout, /^Created the local cloud in /)
  assert.deepEqual(first.catalogTypes, ['compute', 'identity', 'image', 'object-store', 'volumev3'])
  assert.match(first.stdout, /Audit: +\S+audit\.log/)
  assert.equal(first.status, 0)
  assert.equal(statSync(join(dataDir, 'admin-password')).mode & 0o777, 0o600)
  assert.equal(statSync(join(dataDir, 'secrets.json')).mode & 0o777, 0o600)
  const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8')

  const identityConf = join(dataDir, 'identity.conf')
  const edited = readFileSync(identityConf, 'utf8').replace(
    'expiration = 3600',
    'expiration = 7200',
  )
  writeFileSync(identityConf, edited)
  rmSync(join(dataDir, 'volume.conf'))

  const second = await upOnce(dataDir)
  assert.match(second.stdout, /^Reusing the local cloud in /)
  assert.equal(second.status, 0)
  assert.equal(readFileSync(identityConf, 'utf8'), edited, 'the edited config is not overwritten')
  assert.match(
    second.stderr,
    /baton up: keeping your edited identity\.conf; it differs from what baton up would write in \[DEFAULT\] public_endpoint, \[token\] expiration \(delete it to get baton up's\)\n/,
  )
  assert.match(second.stderr, /baton up: wrote volume\.conf\n/)
  assert.match(
    second.stderr,
    /baton up: updated compute\.conf, image\.conf, object\.conf \(unedited\) to this run's ports\n/,
  )
  assert.equal(readFileSync(join(dataDir, 'secrets.json'), 'utf8'), secrets, 'passwords are kept')
  const passwords = Object.values(JSON.parse(secrets).users as Record<string, string>)
  for (const log of readdirSync(join(dataDir, 'logs'))) {
    const text = readFileSync(join(dataDir, 'logs', log), 'utf8')
    for (const pw of passwords) assert.equal(text.includes(pw), false, `${log} holds no password`)
  }
})
