/**
 * Regression (issue 11), on real processes: `baton serve identity` with `[DEFAULT] workers = 2`
 * on one SQLite file and `lockout_failure_attempts = 3`. A parallel burst of wrong passwords,
 * each on its own connection so that both workers take a share, may have at most 3 of them
 * checked; the right password sent last in a burst is refused. A checked wrong password is the
 * only thing that moves `failed_auth_count` (a refused attempt writes nothing), so with no right
 * password let in, the count read from the database is the number of guesses checked.
 * @module
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import {
  ADMIN_PASSWORD,
  type IdentityProcess,
  startIdentity,
} from '../../../interop/identity_process.ts'
import { adminToken, freshRequest } from '../../../interop/support/write_burst.ts'

const LIMIT = 3
let identity: IdentityProcess
let token: string

before(async () => {
  identity = await startIdentity([
    '[DEFAULT]',
    'workers = 2',
    // the default bcrypt cost (12), as deployed: each check takes long enough for a burst to overlap
    '[security_compliance]',
    `lockout_failure_attempts = ${LIMIT}`,
  ])
  token = await adminToken(identity.url, ADMIN_PASSWORD)
})
after(() => identity.stop())

async function newUser(name: string): Promise<string> {
  const res = await freshRequest(
    identity.url,
    'POST',
    '/v3/users',
    { user: { name, password: `right-${name}`, domain_id: 'default' } },
    { 'x-auth-token': token },
  )
  assert.equal(res.status, 201, res.text)
  return (JSON.parse(res.text) as { user: { id: string } }).user.id
}

const login = (userId: string, password: string) =>
  freshRequest(identity.url, 'POST', '/v3/auth/tokens?nocatalog', {
    auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } } },
  }).then((res) => res.status)

function failedAuthCount(userId: string): number {
  const db = new Database(join(identity.dir, 'identity.db'), { readonly: true })
  try {
    const row = db.prepare('select failed_auth_count from user where id = ?').get(userId) as
      | { failed_auth_count: number }
      | undefined
    return row?.failed_auth_count ?? -1
  } finally {
    db.close()
  }
}

test('40 parallel wrong passwords through two workers: 3 are checked', async (t) => {
  const user = await newUser('parallel-40')
  const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(user, `w${i}`)))
  assert.deepEqual(new Set(statuses), new Set([401]))
  const checked = failedAuthCount(user)
  t.diagnostic(`wrong passwords checked: ${checked} of 40 (limit ${LIMIT})`)
  assert.equal(checked, LIMIT)
  assert.equal(await login(user, 'right-parallel-40'), 401)
})

test('39 parallel wrong passwords, the right one sent last: the right one is refused', async (t) => {
  const user = await newUser('parallel-39')
  const burst = Array.from({ length: 39 }, (_, i) => login(user, `w${i}`))
  const right = login(user, 'right-parallel-39')
  const statuses = await Promise.all(burst)
  const rightStatus = await right
  t.diagnostic(`right password: ${rightStatus}; failed_auth_count ${failedAuthCount(user)}`)
  assert.deepEqual(new Set(statuses), new Set([401]))
  assert.equal(rightStatus, 401)
  assert.equal(failedAuthCount(user), LIMIT)
})
