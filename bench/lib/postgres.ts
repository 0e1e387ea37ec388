/**
 * A throw-away PostgreSQL for the scale section, from scripts/pg_test_cluster.sh (its own temp
 * dir and port, trust auth on loopback only), with one database per server under test, stopped
 * and removed through its own data directory afterwards.
 * @module
 */
import { execFile } from 'node:child_process'
import pg from 'pg'

const SCRIPT = new URL('../../scripts/pg_test_cluster.sh', import.meta.url).pathname

export type PgCluster = {
  /** URL of the cluster's first database (baton_test). */
  readonly url: string
  /** Creates a database and returns its connection URL. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

function run(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        const why = stderr.trim().split('\n').slice(-3).join(' ') || String(error.code)
        reject(new Error(`pg_test_cluster.sh ${args[0]} failed: ${why}`))
        return
      }
      resolve(stdout)
    })
  })
}

/** Starts a cluster, or rejects with why PostgreSQL cannot run here. */
export async function startPgCluster(): Promise<PgCluster> {
  const out = await run(['start'])
  const url = /BATON_TEST_PG_URL=(\S+)/.exec(out)?.[1]
  const dir = /BATON_PG_CLUSTER_DIR=(\S+)/.exec(out)?.[1]
  if (url === undefined || dir === undefined) throw new Error('pg_test_cluster.sh printed no URL')
  return {
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return url.replace(/\/[^/]*$/, `/${name}`)
    },
    async stop() {
      await run(['stop', dir])
    },
  }
}
