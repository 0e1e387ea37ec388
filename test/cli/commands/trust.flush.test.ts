import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStore } from '@baton/identity'
import { runBaton, scratchConfig } from '../cli_harness.ts'

/** 2030-01-10T00:00:00Z */
const DAY = Date.UTC(2030, 0, 10)

async function syncedDatabase() {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'identity.db')}\n`,
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

const trust = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  trustorUserId: 'alice',
  trusteeUserId: 'bob',
  projectId: 'p1',
  impersonation: false,
  expiresAt: null,
  remainingUses: null,
  redelegatedTrustId: null,
  redelegationCount: 0,
  extra: {},
  roleIds: ['r1'],
  ...fields,
})

test('trust flush removes soft-deleted and expired trusts, within its filters and date', async () => {
  const conf = await syncedDatabase()
  await withStore(conf, async (store) => {
    await store.trusts.create(trust('live'))
    await store.trusts.create(trust('deleted', { projectId: 'p2' }))
    await store.trusts.softDelete('deleted')
    await store.trusts.create(trust('old', { expiresAt: (DAY - 86_400_000) * 1000 }))
    await store.trusts.create(trust('recent', { expiresAt: (DAY + 3_600_000) * 1000 }))
    await store.trusts.create(
      trust('bobs', { trustorUserId: 'bob', trusteeUserId: 'carol', expiresAt: 1 }),
    )
  })
  const flush = (...args: string[]) =>
    runBaton(['trust', 'flush', '--config-file', conf, ...args], { now: () => DAY + 7_200_000 })

  assert.deepEqual(await flush('--project-id', 'p9'), {
    status: 0,
    stdout: 'Flushed 0 trusts.',
    stderr: '',
  })
  assert.equal(
    (await flush('--trustor-user-id', 'bob', '--date', '09-01-2030')).stdout,
    'Flushed 1 trusts.',
  )
  // before midnight of 10 January: the soft-deleted one and `old`, not `recent`
  assert.equal(
    (await flush('--trustee-user-id', 'bob', '--date', '10-01-2030')).stdout,
    'Flushed 2 trusts.',
  )
  assert.equal((await flush()).stdout, 'Flushed 1 trusts.') // `recent`, by the clock
  const left = await withStore(conf, (store) => store.trusts.list())
  assert.deepEqual(
    left.map((t) => t.id),
    ['live'],
  )
})

test('trust flush refuses a date not in DD-MM-YYYY, changing nothing', async () => {
  const conf = await syncedDatabase()
  for (const bad of ['2030-01-10', '31-02-2030', 'tomorrow']) {
    const run = await runBaton(['trust', 'flush', '--config-file', conf, '--date', bad])
    assert.notEqual(run.status, 0, bad)
    assert.match(run.stderr, /Invalid input for date, should be DD-MM-YYYY/)
  }
})
