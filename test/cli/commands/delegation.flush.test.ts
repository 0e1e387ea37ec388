/**
 * `baton delegation flush` against a real database: it deletes delegation rows past their deadline
 * plus `[revoke] expiration_buffer`, and revoked ones (a whole revoked subtree) whose revocation is
 * older than the revocation-event retention (here max_lifetime 1200 + buffer 60 s), and leaves a
 * live row, a row still within the buffer and a recently revoked one. Times are the wall clock
 * the store stamps revocations with, the command's `now` moved ahead of it.
 */
import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStore } from '@baton/identity'
import type { NewDelegation } from '../../../packages/identity/src/store/index.ts'
import { runBaton, scratchConfig } from '../cli_harness.ts'

async function syncedDatabase() {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'identity.db')}\n` +
      '[token]\nexpiration = 600\nallow_expired_window = 0\n' +
      '[delegation]\nmax_lifetime = 1200\n[revoke]\nexpiration_buffer = 60\n',
  )
  assert.equal((await runBaton(['db', 'sync', '--config-file', scratch.conf])).status, 0)
  return scratch.conf
}

async function withStore<T>(
  conf: string,
  work: (s: Awaited<ReturnType<typeof openCurrentStore>>['store']) => Promise<T>,
) {
  const opened = await openCurrentStore(loadConfig({ files: [conf], groups: identityOptionGroups }))
  try {
    return await work(opened.store)
  } finally {
    await opened.database.close()
  }
}

const delegation = (id: string, parentId: string | null, deadlineMs: number): NewDelegation => ({
  id,
  userId: 'alice',
  projectId: 'p1',
  parentId,
  auditId: `audit-${id}`,
  rootAuditId: 'root',
  rootAuditChainId: 'root',
  rootIssuedAt: 1_000_000,
  rootExpiresAt: 2_000_000,
  methods: ['password'],
  operation: 'compute:boot:1',
  audience: ['volumev3'],
  roleIds: ['r1'],
  actors: [{ userId: 'svc', userName: 'nova', projectId: 'p', issuedAt: 1_000_000 }],
  createdAt: 1_000_000,
  expiresAt: deadlineMs * 1000,
})

test('delegation flush removes rows past deadline + buffer and revoked ones past the retention', async () => {
  const conf = await syncedDatabase()
  const w = Date.now()
  const far = w + 100_000_000
  await withStore(conf, async (store) => {
    await store.delegations.create(delegation('live', null, far))
    await store.delegations.create(delegation('past', null, w - 100_000))
    await store.delegations.create(delegation('buffered', null, w + 100_000))
    await store.delegations.create(delegation('revoked', null, far))
    await store.delegations.create(delegation('revoked-child', 'revoked', far))
    await store.delegations.revoke('revoked')
  })
  const flush = (nowMs: number) =>
    runBaton(['delegation', 'flush', '--config-file', conf], { now: () => nowMs })

  // 120 s on: `past` is beyond the 60 s buffer, `buffered` is past its deadline but within it,
  // the revocation is far younger than the retention
  assert.deepEqual(await flush(w + 120_000), {
    status: 0,
    stdout: 'Flushed 1 delegations (1 past their deadline, 0 revoked).',
    stderr: '',
  })
  // 1300 s on: `buffered` is beyond the buffer; the revocation older than 1200 + 60 s
  assert.equal(
    (await flush(w + 1_300_000)).stdout,
    'Flushed 3 delegations (1 past their deadline, 2 revoked).',
  )
  assert.equal(
    (await flush(w + 1_300_000)).stdout,
    'Flushed 0 delegations (0 past their deadline, 0 revoked).',
  )
  const left = await withStore(conf, (store) => store.delegations.listForUser('alice'))
  assert.deepEqual(
    left.map((d) => d.id),
    ['live'],
  )
})

test('delegation flush on a database never synced fails with a message, no stack trace', async () => {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'empty.db')}\n`,
  )
  const run = await runBaton(['delegation', 'flush', '--config-file', scratch.conf])
  assert.notEqual(run.status, 0)
  assert.notEqual(run.stderr, '')
  assert.doesNotMatch(run.stderr, /\n\s+at /)
  assert.equal(run.stdout, '')
})
