/**
 * `baton up` refuses bad input before it writes anything: an invalid option value (no data
 * directory is created), a damaged secrets.json or database (the file and the fix are named, exit 1,
 * no other file written or changed), a busy `--port`.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBaton } from '../cli_harness.ts'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'baton-up-refusal-'))
}

/** Every file under dir with its size and mtime: equal snapshots mean nothing was written. */
function snapshot(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name))
    out.push(`${name} ${stat.isDirectory() ? 'dir' : `${stat.size} ${stat.mtimeMs}`}`)
  }
  return out.sort()
}

const VALID_SECRETS = JSON.stringify({
  admin: 'a-password',
  users: { nova: 'n', cinder: 'c', glance: 'g', swift: 's' },
})

test('`baton up --port abc` fails before the default .baton/ directory is created', () => {
  const cwd = scratch()
  const run = spawnSync(process.execPath, [BATON_BIN, 'up', '--port', 'abc'], {
    cwd,
    encoding: 'utf8',
  })
  assert.notEqual(run.status, 0)
  assert.match(run.stderr, /option '--port <number>' argument 'abc' is invalid/)
  assert.equal(existsSync(join(cwd, '.baton')), false)
})

test('every invalid option value fails before the data directory is created', async () => {
  const dataDir = join(scratch(), 'cloud')
  for (const args of [
    ['--port', '70000'],
    ['--port', '0'],
    ['--port', '5000x'],
    ['--host', 'not an address'],
    ['--data-dir', ''],
  ]) {
    const run = await runBaton(['up', '--data-dir', dataDir, ...args])
    assert.notEqual(run.status, 0, `baton up ${args.join(' ')} fails`)
    assert.match(
      run.stderr,
      new RegExp(`option '${args[0]} <[a-z]+>' argument '${args[1]}' is invalid`),
    )
    assert.equal(existsSync(dataDir), false, `${args.join(' ')}: no data directory created`)
  }
})

test('a secrets.json that is not JSON is named with the fix; nothing is written', async () => {
  const dataDir = scratch()
  writeFileSync(join(dataDir, 'secrets.json'), '{"admin": "x", "users": {', { mode: 0o600 })
  writeFileSync(join(dataDir, 'admin-password'), 'x\n', { mode: 0o600 })
  const before = snapshot(dataDir)
  const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
  assert.equal(run.status, 1)
  assert.match(run.stderr, new RegExp(`${join(dataDir, 'secrets.json')} is not valid JSON`))
  assert.match(run.stderr, /delete it to generate new passwords/)
  assert.match(run.stderr, /service users’ passwords will be reset/)
  assert.doesNotMatch(run.stderr, /unexpected error/)
  assert.deepEqual(snapshot(dataDir), before, 'no file written, the lock released')
})

test('a secrets.json without a service user’s password is refused the same way', async () => {
  const dataDir = scratch()
  writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify({ admin: 'x', users: { nova: 'n' } }))
  const before = snapshot(dataDir)
  const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /secrets\.json has no password for cinder, glance, swift: restore it/)
  assert.deepEqual(snapshot(dataDir), before)
})

test('an identity.db that is not SQLite is named with the fix; nothing is written', async () => {
  const dataDir = scratch()
  writeFileSync(join(dataDir, 'secrets.json'), VALID_SECRETS, { mode: 0o600 })
  writeFileSync(join(dataDir, 'identity.db'), 'this was a database once'.repeat(100))
  const before = snapshot(dataDir)
  const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
  assert.equal(run.status, 1)
  assert.match(
    run.stderr,
    new RegExp(
      `${join(dataDir, 'identity.db')} is not an SQLite database .*restore it from a backup`,
    ),
  )
  assert.match(run.stderr, /delete it \(identity\.db\) to start an empty identity/)
  assert.deepEqual(snapshot(dataDir), before)
})

test('an identity.db damaged inside (its header intact) is named with the fix; nothing else written', async () => {
  const dataDir = scratch()
  const conf = join(dataDir, 'db.conf')
  writeFileSync(conf, `[database]\nconnection = sqlite:///${join(dataDir, 'identity.db')}\n`)
  assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
  const fd = openSync(join(dataDir, 'identity.db'), 'r+')
  writeSync(fd, Buffer.alloc(3000, 0x41), 0, 3000, 100) // the schema page, after the 100-byte header
  closeSync(fd)
  rmSync(conf)
  const before = snapshot(dataDir)
  const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
  assert.equal(run.status, 1)
  assert.match(
    run.stderr,
    new RegExp(`${join(dataDir, 'identity.db')} is damaged: restore it from a backup`),
  )
  assert.doesNotMatch(run.stderr, /unexpected error/)
  // SQLite itself leaves its -wal/-shm beside a file it could not read: not baton's writing
  const after = snapshot(dataDir).filter((f) => !/^identity\.db-(wal|shm) /.test(f))
  assert.deepEqual(after, before, 'no config, key or password written')
})

test('a service database that is not SQLite is refused before identity is touched', async () => {
  const dataDir = scratch()
  writeFileSync(join(dataDir, 'secrets.json'), VALID_SECRETS, { mode: 0o600 })
  mkdirSync(join(dataDir, 'volume'))
  writeFileSync(join(dataDir, 'volume', 'volume.sqlite'), Buffer.alloc(4096, 7))
  const before = snapshot(dataDir)
  const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /volume\.sqlite is not an SQLite database/)
  assert.match(run.stderr, /to start volume empty/)
  assert.deepEqual(snapshot(dataDir), before)
})

test('a busy --port is refused up front and a fresh data directory is not left behind', async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  try {
    const dataDir = join(scratch(), 'cloud')
    const run = await runBaton(['up', '--data-dir', dataDir, '--port', String(port)])
    assert.equal(run.status, 1)
    assert.match(run.stderr, new RegExp(`port ${port} \\(--port\\) is busy on 127\\.0\\.0\\.1`))
    assert.equal(existsSync(dataDir), false)
  } finally {
    server.close()
  }
})

test('a data directory that is a file is refused naming it', async () => {
  const file = join(scratch(), 'not-a-dir')
  writeFileSync(file, 'x')
  const run = await runBaton(['up', '--data-dir', file, '--any-ports'])
  assert.equal(run.status, 1)
  assert.equal(run.stderr, `baton: the data directory ${file} is a file`)
})

test('a data directory locked by a running process is refused naming its pid; nothing touched', async () => {
  const dataDir = scratch()
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
    stdio: 'ignore',
  })
  try {
    writeFileSync(join(dataDir, 'up.lock'), `${holder.pid}\n`)
    writeFileSync(join(dataDir, 'secrets.json'), VALID_SECRETS, { mode: 0o600 })
    const before = snapshot(dataDir)
    const run = await runBaton(['up', '--data-dir', dataDir, '--any-ports'])
    assert.equal(run.status, 1)
    assert.match(
      run.stderr,
      new RegExp(
        `^baton: the data directory ${dataDir} is in use by another baton up \\(pid ${holder.pid}\\)`,
      ),
    )
    assert.deepEqual(snapshot(dataDir), before, 'the lock and every file as they were')
  } finally {
    holder.kill()
  }
})
