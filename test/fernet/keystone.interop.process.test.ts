/**
 * Live interoperability with the real keystone (Debian python3-keystone): keystone reads and
 * rotates a Baton repository, Baton reads and rotates a keystone one, and tokens cross both
 * ways through keystone's own TokenFormatter. Skipped when keystone is not importable.
 * @module
 */

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { test } from 'node:test'
import {
  HISTORY_FILE,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { keyNumbers, recordingLogger, tempRepository } from './helpers.ts'

const python = '/usr/bin/python3'
const hasKeystone =
  existsSync(python) &&
  spawnSync(python, ['-c', 'import keystone.common.fernet_utils'], { stdio: 'ignore' }).status === 0
const skip = hasKeystone ? false : 'python3-keystone is not installed'

// One python helper; commands arrive as JSON on stdin, results leave as JSON on stdout.
const SCRIPT = `
import hashlib, json, sys, logging
logging.disable(logging.CRITICAL)
import keystone.conf
from keystone.common import fernet_utils
from keystone.token import token_formatters
CONF = keystone.conf.CONF
keystone.conf.configure()
CONF([], project='keystone')
req = json.load(sys.stdin)
CONF.set_override('key_repository', req['repo'], group='fernet_tokens')
CONF.set_override('max_active_keys', req['max'], group='fernet_tokens')
utils = fernet_utils.FernetUtils(req['repo'], req['max'], 'fernet_tokens')
out = {}
if req['op'] == 'setup':
    utils.initialize_key_repository()
elif req['op'] == 'rotate':
    utils.rotate_keys()
fp = lambda k: hashlib.sha256(k.encode()).hexdigest()[:16]
out['load_order'] = [fp(k) for k in utils.load_keys()]
formatter = token_formatters.TokenFormatter()
out['token'] = formatter.pack(b'made by keystone')
out['unpacked'] = [formatter.unpack(t).decode() for t in req.get('tokens', [])]
print(json.dumps(out))
`

type KeystoneOut = { load_order: string[]; token: string; unpacked: string[] }

function keystone(
  op: 'load' | 'setup' | 'rotate',
  repo: string,
  max: number,
  tokens: string[] = [],
) {
  const run = spawnSync(python, ['-c', SCRIPT], {
    input: JSON.stringify({ op, repo, max, tokens }),
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout) as KeystoneOut
}

const guard = { tokenExpiration: 0, allowExpiredWindow: 0 }

test('keystone loads a Baton repository in the same order and tokens cross both ways', {
  skip,
}, () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 5 })
    for (let i = 0; i < 3; i++) rotateKeyRepository({ path: repo.path, maxActiveKeys: 5, ...guard })
    const { keys, fernet } = loadKeys(repo.path)
    const ours = fernet.encrypt(Buffer.from('made by baton')).replace(/=+$/, '')
    const out = keystone('load', repo.path, 5, [ours])
    assert.deepEqual(
      out.load_order,
      keys.map((key) => key.fingerprint),
    )
    assert.deepEqual(out.unpacked, ['made by baton'])
    assert.equal(fernet.decrypt(out.token).plaintext.toString(), 'made by keystone')
    assert.ok(!out.token.endsWith('='), 'keystone strips the padding')
  } finally {
    repo.cleanup()
  }
})

test('keystone rotates a Baton repository: the history file is left alone, Baton follows', {
  skip,
}, () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
    rotateKeyRepository({ path: repo.path, maxActiveKeys: 3, ...guard })
    const out = keystone('rotate', repo.path, 3)
    assert.deepEqual(keyNumbers(repo.path), [0, 2, 3])
    assert.ok(readdirSync(repo.path).includes(HISTORY_FILE))
    assert.deepEqual(
      loadKeys(repo.path).keys.map((key) => key.fingerprint),
      out.load_order,
    )
  } finally {
    repo.cleanup()
  }
})

test('Baton rotates a keystone repository exactly as keystone would', { skip }, () => {
  const repo = tempRepository()
  try {
    mkdirSync(repo.path, { mode: 0o700 })
    keystone('setup', repo.path, 3)
    assert.deepEqual(keyNumbers(repo.path), [0, 1])
    const logger = recordingLogger()
    // Nothing is purged by this rotation (3 keys allowed), so the missing history does not block it.
    rotateKeyRepository({
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: 3600,
      allowExpiredWindow: 0,
      logger,
    })
    assert.deepEqual(keyNumbers(repo.path), [0, 1, 2])
    const out = keystone('load', repo.path, 3)
    assert.deepEqual(
      loadKeys(repo.path).keys.map((key) => key.fingerprint),
      out.load_order,
    )
    assert.equal(
      loadKeys(repo.path).fernet.decrypt(out.token).plaintext.toString(),
      'made by keystone',
    )
  } finally {
    repo.cleanup()
  }
})
