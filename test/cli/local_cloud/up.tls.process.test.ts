/**
 * `baton up --tls` for real: a local CA and one certificate per program under <data-dir>/tls (keys
 * 0600), every program on HTTPS, the middlewares and senders trusting the CA through `cafile`, and
 * the printed `OS_CACERT` with which python-openstackclient lists the catalog (that part skips
 * without the client). The test's own fetch trusts the CA only through an undici Agent.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Agent, fetch as undiciFetch } from 'undici'
import { openstackJson, openstackMissing } from '../../interop/openstack_cli.ts'
import { startUp } from '../up_harness.ts'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

/** `baton <args>` as a child process with `env` added; its whole output. */
function runBaton(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BATON_BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    )
  })
}

test('baton up --tls serves every program on HTTPS under its own CA and prints OS_CACERT', {
  timeout: 240_000,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-tls-'))
  const up = startUp(['--data-dir', dataDir, '--any-ports', '--tls'])
  try {
    await up.waitFor(/Ctrl-C stops everything\./, 200_000)
    const out = up.stdout()
    const caFile = /export OS_CACERT=(\S+)/.exec(out)?.[1]
    assert.equal(caFile, join(dataDir, 'tls', 'ca.pem'))
    for (const program of ['ca', 'identity', 'compute', 'volume', 'image', 'object']) {
      assert.equal(statSync(join(dataDir, 'tls', `${program}.key`)).mode & 0o777, 0o600, program)
    }
    const compute = readFileSync(join(dataDir, 'compute.conf'), 'utf8')
    assert.match(compute, /^\[ssl\]\ncert_file = .*compute\.pem\nkey_file = .*compute\.key$/m)
    assert.equal(compute.match(new RegExp(`^cafile = ${caFile}$`, 'gm'))?.length, 2)
    const dispatcher = new Agent({ connect: { ca: readFileSync(caFile ?? '') } })
    const urls = [...out.matchAll(/^ {2}(identity|compute|volume|image|object) +(\S+)/gm)]
    assert.equal(urls.length, 5)
    for (const [, name, url] of urls) {
      assert.match(url ?? '', /^https:\/\/127\.0\.0\.1:\d+/, name)
      // a fetch that does not trust the CA is refused; one that does gets an answer
      await assert.rejects(fetch(`${url}/`), `${name} is not served in plain trust`)
      const res = await undiciFetch(`${url}/`, { dispatcher })
      await res.arrayBuffer()
      assert.ok(res.status < 500, `${name} answers over HTTPS`)
    }
    await dispatcher.close()
    const env: Record<string, string> = {}
    for (const [, name, value] of out.matchAll(/export (OS_\w+)=(\S+)/g)) {
      env[name ?? ''] = value ?? ''
    }
    // the printed doctor line carries --os-cacert: its calls to identity verify the certificate
    const doctorArgs = (/Check: +npx baton (doctor .*)$/m.exec(out)?.[1] ?? '').split(' ')
    assert.ok(doctorArgs.includes('--os-cacert'))
    const doctor = await runBaton(doctorArgs, env)
    assert.doesNotMatch(doctor, /cannot verify|SSL|unreachable/i, doctor)
    if (openstackMissing === false) {
      const catalog = await openstackJson<{ Type: string }[]>(['catalog', 'list'], env)
      assert.deepEqual(catalog.map((e) => e.Type).sort(), [
        'compute',
        'identity',
        'image',
        'object-store',
        'volumev3',
      ])
    }
    up.child.kill('SIGINT')
    assert.equal(await up.exited, 0)
  } finally {
    up.child.kill('SIGINT')
    await up.exited
    rmSync(dataDir, { recursive: true, force: true })
  }
})
