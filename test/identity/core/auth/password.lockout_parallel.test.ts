/**
 * Regression (issue 11): with `lockout_failure_attempts = 3`, a parallel burst of wrong passwords
 * was checked in full (the lock was read before any failure was recorded), and the right password
 * sent with the burst still logged in. Two identity servers on one database (SQLite file, or
 * PostgreSQL or MySQL/MariaDB when BATON_TEST_PG_URL / BATON_TEST_MYSQL_URL is set) take the burst together: at most 3 wrong passwords
 * may be checked per lockout window. "Checked" is counted exactly: every bcrypt run of this
 * process on a password starting with `wrong-`.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import bcrypt from 'bcrypt'
import { startTwoNodes, type TwoNodes } from '../../cache/two_nodes.ts'
import { DIALECTS } from '../../store/store.fixtures.ts'

const LIMIT = 3
const DURATION_S = 60

/** bcrypt runs on a wrong password so far (the identity code calls `bcrypt.hash` to verify). */
let wrongChecked = 0
const realHash = bcrypt.hash.bind(bcrypt)
Object.assign(bcrypt, {
  hash: (data: string | Buffer, salt: string | number) => {
    if (data.toString().startsWith('wrong-')) wrongChecked++
    return realHash(data, salt)
  },
})

for (const [dialect, skip] of DIALECTS) {
  describe(`lockout holds under a parallel burst on two nodes [${dialect}]`, {
    skip,
  }, () => {
    let nodes: TwoNodes
    let now = Date.UTC(2030, 0, 1)
    let n = 0
    before(async () => {
      nodes = await startTwoNodes(dialect, { now: () => now }, [
        '[security_compliance]',
        `lockout_failure_attempts = ${LIMIT}`,
        `lockout_duration = ${DURATION_S}`,
      ])
    })
    after(() => nodes.close())

    async function newUser(options: Record<string, unknown> = {}): Promise<string> {
      n++
      const res = await nodes.call(
        nodes.a,
        'POST',
        '/v3/users',
        { user: { name: `burst-${n}`, password: `right-${n}`, domain_id: 'default', options } },
        { 'x-auth-token': nodes.adminToken },
      )
      assert.equal(res.status, 201)
      return (res.body.user as { id: string }).id
    }

    const login = (userId: string, password: string, i: number) =>
      nodes
        .call(i % 2 === 0 ? nodes.a : nodes.b, 'POST', '/v3/auth/tokens', {
          auth: {
            identity: { methods: ['password'], password: { user: { id: userId, password } } },
          },
        })
        .then((res) => res.status)

    const failures = async (userId: string) =>
      (await nodes.store.identity.getUser(userId)).failedAuthCount

    test(`40 parallel wrong passwords: ${LIMIT} are checked, then even the right one is refused`, async () => {
      const user = await newUser()
      const checkedBefore = wrongChecked
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => login(user, `wrong-${i}`, i)),
      )
      assert.deepEqual(new Set(statuses), new Set([401]))
      assert.equal(wrongChecked - checkedBefore, LIMIT, 'wrong passwords checked')
      assert.equal(await failures(user), LIMIT)
      assert.equal(await login(user, `right-${n}`, 0), 401)
      assert.equal(await login(user, `right-${n}`, 1), 401)
      // the window runs from the last failure; after it, the right password works again
      now += DURATION_S * 1000
      assert.equal(await login(user, `right-${n}`, 1), 201)
      assert.equal(await failures(user), 0)
    })

    test('39 parallel wrong passwords with the right one sent last: the right one is refused', async () => {
      const user = await newUser()
      const checkedBefore = wrongChecked
      const burst = Array.from({ length: 39 }, (_, i) => login(user, `wrong-${i}`, i))
      const right = login(user, `right-${n}`, 1)
      const statuses = await Promise.all(burst)
      assert.deepEqual(new Set(statuses), new Set([401]))
      assert.equal(await right, 401)
      assert.equal(wrongChecked - checkedBefore, LIMIT, 'wrong passwords checked')
      now += DURATION_S * 1000
    })

    test('ignore_lockout_failure_attempts: every guess is checked and counted, never locked', async () => {
      const user = await newUser({ ignore_lockout_failure_attempts: true })
      const checkedBefore = wrongChecked
      await Promise.all(Array.from({ length: 10 }, (_, i) => login(user, `wrong-${i}`, i)))
      assert.equal(wrongChecked - checkedBefore, 10)
      assert.equal(await failures(user), 10)
      assert.equal(await login(user, `right-${n}`, 0), 201)
      assert.equal(await failures(user), 0)
    })
  })
}
