/**
 * One throw-away PostgreSQL database per test run, on the cluster BATON_TEST_PG_URL points at
 * (scripts/pg_test_cluster.sh): several runs and several workers share the cluster, so each run
 * gets a database of its own, named at random, dropped on `drop()`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const PG_MISSING =
  'BATON_TEST_PG_URL not set: eval "$(scripts/pg_test_cluster.sh start)" to run against PostgreSQL'

export type ScratchDatabase = {
  /** Connection URL of the new database (same server and user as the base URL). */
  readonly url: string
  readonly name: string
  drop(): Promise<void>
}

async function onServer(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Creates `<prefix>_<random>` on the server of `baseUrl`. */
export async function createScratchDatabase(
  baseUrl: string,
  prefix: string,
): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`)
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await onServer(baseUrl, `CREATE DATABASE ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    // WITH (FORCE): a killed node may leave a connection the server has not noticed yet
    drop: () => onServer(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
