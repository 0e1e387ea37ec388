/**
 * Ctrl-C while `baton up` is still starting (real processes): every program already started is
 * stopped and named, `up` exits cleanly, no child process is left running and the lock is gone.
 * A program that dies once the cloud is up is named (with its log) instead of vanishing silently.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isAlive, processesMentioning, startedPids, startUp } from '../up_harness.ts'

test('Ctrl-C during start-up stops the programs already started and says which', {
  timeout: 180_000,
}, async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-int-')), 'cloud')
  const up = startUp(['--data-dir', dataDir, '--any-ports'])
  try {
    // identity answers and object has been spawned: two children, the cloud not yet up
    await up.waitFor(/baton up: starting object \(pid \d+\)/)
    const pids = startedPids(up.stderr())
    assert.deepEqual([...pids.keys()], ['identity', 'object'])
    up.child.kill('SIGINT')
    assert.equal(await up.exited, 0, 'up exits cleanly')
    assert.match(up.stderr(), /baton up: interrupted; stopped identity, object\n/)
    assert.doesNotMatch(up.stdout(), /Ctrl-C stops everything/)
    assert.doesNotMatch(up.stderr(), /unexpected error|starting image/)
    for (const [name, pid] of pids)
      assert.equal(isAlive(pid), false, `${name} (pid ${pid}) is gone`)
    assert.deepEqual(processesMentioning(dataDir), [], 'no orphan on the data directory')
    assert.equal(existsSync(join(dataDir, 'up.lock')), false, 'the lock is released')
  } finally {
    up.child.kill('SIGKILL')
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL')
  }
})

test('a program that dies after start-up is named with its log; Ctrl-C still stops the rest', {
  timeout: 240_000,
}, async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-die-')), 'cloud')
  const up = startUp(['--data-dir', dataDir, '--any-ports'])
  try {
    await up.waitFor(/Ctrl-C stops everything\./)
    const pids = startedPids(up.stderr())
    process.kill(pids.get('volume') ?? 0, 'SIGKILL')
    await up.waitFor(
      /baton up: volume exited \(SIGKILL\).*see \S+volume\.log; Ctrl-C stops the rest\n/,
    )
    up.child.kill('SIGINT')
    assert.equal(await up.exited, 0)
    assert.match(up.stdout(), /Stopped identity, object, image, volume, compute\.\n/)
    for (const [name, pid] of pids)
      assert.equal(isAlive(pid), false, `${name} (pid ${pid}) is gone`)
    assert.deepEqual(processesMentioning(dataDir), [])
  } finally {
    up.child.kill('SIGKILL')
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL')
  }
})
