/**
 * One `baton up` per data directory, with real processes: a stale lock (its pid is dead) is taken
 * over with a note; start-up says each step as it happens; a second `up` on the same directory is
 * refused naming the pid and the directory, exits non-zero and touches nothing; Ctrl-C stops every
 * program, says which, releases the lock and leaves no process behind. A deleted secrets.json
 * (the fix for a damaged one) gives the service users new passwords that work.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isAlive, processesMentioning, startedPids, startUp } from '../up_harness.ts'

/** Size and mtime of every config, key and password file: equal snapshots, nothing rewritten. */
function snapshot(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => /\.conf$|^fernet-keys\/|secrets\.json|admin-password|up\.lock/.test(name))
    .map((name) => {
      const stat = statSync(join(dir, name))
      return `${name} ${stat.size} ${stat.mtimeMs}`
    })
    .sort()
}

test('a stale lock is taken over, a second up is refused, Ctrl-C stops all and unlocks; new secrets reset the service users', {
  timeout: 400_000,
}, async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-lock-')), 'cloud')
  mkdirSync(dataDir, { mode: 0o700 })
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  })
  const stalePid = Number(dead.stdout)
  assert.equal(isAlive(stalePid), false)
  writeFileSync(join(dataDir, 'up.lock'), `${stalePid}\n`)

  const first = startUp(['--data-dir', dataDir, '--any-ports'])
  try {
    await first.waitFor(/Ctrl-C stops everything\./)
    const progress = first.stderr()
    assert.match(
      progress,
      new RegExp(
        `taking over the lock on ${dataDir} from pid ${stalePid}, which is no longer running`,
      ),
    )
    assert.equal(readFileSync(join(dataDir, 'up.lock'), 'utf8').trim(), String(first.child.pid))
    // each step, one line each, in the order they happen
    const steps = [
      `creating the local cloud in ${dataDir}`,
      "created identity's database identity.db",
      'created secrets.json',
      'wrote identity.conf, compute.conf, volume.conf, image.conf, object.conf',
      'created the Fernet keys in fernet-keys/',
      'bootstrapped identity',
      'starting identity (pid',
      'identity is ready (',
      'provisioned the service users (nova, cinder, glance, swift) and the catalog',
      'starting object (pid',
      'object is ready (',
      'starting image (pid',
      'image is ready (',
      'starting volume (pid',
      'volume is ready (',
      'starting compute (pid',
      'compute is ready (',
    ]
    let at = -1
    for (const step of steps) {
      const found = progress.indexOf(`baton up: ${step}`, at + 1)
      assert.ok(found > at, `"${step}" comes next in:\n${progress}`)
      at = found
    }
    const pids = startedPids(progress)
    assert.deepEqual([...pids.keys()], ['identity', 'object', 'image', 'volume', 'compute'])

    const before = snapshot(dataDir)
    const second = startUp(['--data-dir', dataDir, '--any-ports'])
    const status = await second.exited
    assert.equal(status, 1, 'the second up exits non-zero')
    assert.match(
      second.stderr(),
      new RegExp(
        `the data directory ${dataDir} is in use by another baton up \\(pid ${first.child.pid}\\)`,
      ),
    )
    assert.doesNotMatch(second.stderr(), /starting|wrote|created/)
    assert.deepEqual(snapshot(dataDir), before, 'the second up touched nothing')
    for (const pid of pids.values()) assert.ok(isAlive(pid), 'the first cloud still runs')

    first.child.kill('SIGINT')
    assert.equal(await first.exited, 0)
    assert.match(first.stdout(), /Stopped identity, object, image, volume, compute\.\n/)
    for (const [name, pid] of pids)
      assert.equal(isAlive(pid), false, `${name} (pid ${pid}) is gone`)
    assert.deepEqual(processesMentioning(dataDir), [], 'no process left on the data directory')
    assert.equal(existsSync(join(dataDir, 'up.lock')), false, 'the lock is released')
  } finally {
    first.child.kill('SIGINT')
  }

  // the fix a damaged secrets.json's message offers: delete it; the service users get new passwords
  const adminPassword = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).admin
  rmSync(join(dataDir, 'secrets.json'))
  const third = startUp(['--data-dir', dataDir, '--any-ports'])
  try {
    await third.waitFor(/Ctrl-C stops everything\./)
    assert.match(third.stderr(), /baton up: created secrets\.json/)
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))
    assert.equal(secrets.admin, adminPassword, 'the admin password stays (admin-password)')
    const authUrl = /export OS_AUTH_URL=(\S+)/.exec(third.stdout())?.[1] ?? ''
    const login = await fetch(`${authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'nova', domain: { id: 'default' }, password: secrets.users.nova },
            },
          },
          scope: { project: { name: 'service', domain: { id: 'default' } } },
        },
      }),
    })
    await login.arrayBuffer()
    assert.equal(login.status, 201, 'nova logs in with its new password')
    third.child.kill('SIGINT')
    assert.equal(await third.exited, 0)
  } finally {
    third.child.kill('SIGINT')
  }
})
