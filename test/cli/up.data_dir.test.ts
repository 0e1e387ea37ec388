import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBaton } from './cli_harness.ts'

test('baton up creates a data dir with an identity config and keys, then reuses it', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'baton-up-')), 'cloud')
  const first = await runBaton(['up', '--data-dir', dataDir])
  assert.equal(first.status, 0, first.stderr)
  assert.equal(first.stderr, '', 'the generated config has no unknown options')
  assert.match(first.stdout, /^Created the local cloud in /)
  assert.equal(statSync(dataDir).mode & 0o777, 0o700)
  const conf = readFileSync(join(dataDir, 'identity.conf'), 'utf8')
  assert.match(conf, /key_repository = .*fernet-keys/)
  assert.deepEqual(
    readdirSync(join(dataDir, 'fernet-keys'))
      .filter((f) => /^\d+$/.test(f))
      .sort(),
    ['0', '1'],
  )

  const second = await runBaton(['up', '--data-dir', dataDir])
  assert.equal(second.status, 0, second.stderr)
  assert.match(second.stdout, /^Reusing the local cloud in /)
  assert.match(second.stdout, /kept; 2 keys, primary 1/)
  assert.equal(
    readFileSync(join(dataDir, 'identity.conf'), 'utf8'),
    conf,
    'the config is not rewritten',
  )
})
