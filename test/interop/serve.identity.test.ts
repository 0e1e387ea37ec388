import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBaton, scratchConfig } from '../cli/cli_harness.ts'
import { ADMIN_PASSWORD, startIdentity } from './identity_process.ts'

const PASSWORD_AUTH = {
  auth: {
    identity: {
      methods: ['password'],
      password: { user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD } },
    },
    scope: { project: { name: 'admin', domain: { id: 'default' } } },
  },
}

test('[DEFAULT] workers = 2 serves from two processes that share keys and database', async () => {
  const identity = await startIdentity([
    '[DEFAULT]',
    'workers = 2',
    '[identity]',
    'password_hash_rounds = 4',
  ])
  try {
    const tokens: string[] = []
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${identity.url}/v3/auth/tokens?nocatalog`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(PASSWORD_AUTH),
      })
      assert.equal(res.status, 201)
      tokens.push(res.headers.get('x-subject-token') ?? '')
    }
    // Any worker validates any token: Fernet validation needs only the shared key repository.
    for (const token of tokens) {
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${identity.url}/v3/auth/tokens?nocatalog`, {
          headers: { 'x-auth-token': token, 'x-subject-token': token },
        })
        assert.equal(res.status, 200)
      }
    }
    const workers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('serve identity') && line.includes(identity.conf))
    assert.equal(workers.length, 3, 'a supervisor and two workers')
  } finally {
    await identity.stop()
  }
  const after = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
  assert.ok(!after.includes(identity.conf), 'stopping the supervisor stops the workers')
})

test('serve identity refuses to start, in one line, without keys or with a schema behind', async () => {
  const { dir, conf } = scratchConfig([])
  writeFileSync(
    conf,
    `[database]\nconnection = sqlite:///${join(dir, 'id.db')}\n[fernet_tokens]\nkey_repository = ${join(dir, 'keys')}\n`,
  )
  const noKeys = await runBaton(['serve', 'identity', '--config-file', conf, '--port', '0'])
  assert.equal(noKeys.status, 1)
  assert.match(noKeys.stderr, /^baton: .*keys.*baton keys setup/)
  assert.equal(noKeys.stderr.split('\n').length, 1)
  assert.equal((await runBaton(['keys', 'setup', '--config-file', conf])).status, 0)
  const behind = await runBaton(['serve', 'identity', '--config-file', conf, '--port', '0'])
  assert.equal(behind.status, 1)
  assert.match(behind.stderr, /^baton: .*schema is behind.*baton db sync/)
})
