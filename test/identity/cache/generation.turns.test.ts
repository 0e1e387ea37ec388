import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  createStore,
  migrateToLatest,
  openDatabase,
} from '../../../packages/identity/src/store/index.ts'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

test('SQLite: a generation read is shared within a turn, never past this process own write or the next turn', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-generation-turns-'))
  const url = `sqlite:///${join(dir, 'identity.db')}`
  const first = openDatabase(url)
  await migrateToLatest(first)
  const second = openDatabase(url)
  t.after(async () => {
    await first.close()
    await second.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const here = createStore(first)
  const elsewhere = createStore(second)

  // A write through this connection is seen by the very next read, in the same turn.
  const start = await here.generation.current()
  await here.resource.createDomain({ id: 'd1', name: 'One' })
  const afterOwnWrite = await here.generation.current()
  assert.ok(afterOwnWrite > start, 'own write not seen at once')

  // Another connection's (another process') write is seen from the next turn on.
  await nextTurn()
  assert.equal(await here.generation.current(), afterOwnWrite)
  await elsewhere.resource.createDomain({ id: 'd2', name: 'Two' })
  await nextTurn()
  const afterOtherWrite = await here.generation.current()
  assert.ok(afterOtherWrite > afterOwnWrite, 'the other connection write not seen a turn later')
  assert.equal(afterOtherWrite, await elsewhere.generation.current())
})
