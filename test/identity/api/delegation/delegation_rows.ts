/**
 * Counting the delegation rows a test's identity server holds (the "nothing written" checks),
 * through the store on the server's own SQLite file.
 * @module
 */
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStore } from '@baton/identity'
import type { TestIdentity } from '../../../support/identity_server.ts'

export async function countDelegations(id: TestIdentity): Promise<number> {
  const config = loadConfig({
    files: [],
    overrides: { database: { connection: id.databaseUrl } },
    groups: identityOptionGroups,
  })
  const { store, database } = await openCurrentStore(config)
  try {
    let n = 0
    for (const u of Object.values(id.users)) n += (await store.delegations.listForUser(u.id)).length
    return n
  } finally {
    await database.close()
  }
}
