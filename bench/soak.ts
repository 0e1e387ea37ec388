/**
 * `npm run soak`: the fleet test (test/fleet/fleet.process.test.ts) for minutes instead of
 * seconds, printing its figures: three identity nodes on one PostgreSQL behind HAProxy, a guarded
 * echo on a Redis token cache, load while nodes are kill -9'd and keys rotate (by hand in files
 * mode, by the fleet itself in database mode). Exit status 1 when a count that must be zero is
 * not, or when the keys never rotated.
 *
 * Environment: BATON_SOAK_SECONDS (default 300), BATON_SOAK_WORKERS (4), BATON_SOAK_NODES (3),
 * BATON_SOAK_KILL_EVERY (ms between kills, `min-max`, default 3000-6000; `none` for no kills),
 * BATON_FLEET_KEYS (files|database), BATON_TEST_PG_URL (else a throw-away cluster is started with
 * scripts/pg_test_cluster.sh and stopped at the end).
 * @module
 */
import { execFileSync } from 'node:child_process'
import { fleetMissing, startFleet } from '../test/support/fleet.ts'
import { formatSummary } from '../test/support/fleet_counts.ts'
import { runFleetLoad } from '../test/support/fleet_load.ts'

const PG_SCRIPT = new URL('../scripts/pg_test_cluster.sh', import.meta.url).pathname
const env = process.env
const seconds = Number(env.BATON_SOAK_SECONDS ?? 300)
const workers = Number(env.BATON_SOAK_WORKERS ?? 4)
const nodes = Number(env.BATON_SOAK_NODES ?? 3)
const killSetting = env.BATON_SOAK_KILL_EVERY ?? '3000-6000'
const killEvery =
  killSetting === 'none'
    ? null
    : (killSetting.split('-').map(Number) as [number, number] satisfies [number, number])

function log(line: string): void {
  process.stderr.write(`soak: ${line}\n`)
}

let clusterDir: string | undefined
if (env.BATON_TEST_PG_URL === undefined) {
  log('no BATON_TEST_PG_URL: starting a throw-away PostgreSQL cluster')
  const out = execFileSync('bash', [PG_SCRIPT, 'start'], { encoding: 'utf8' })
  env.BATON_TEST_PG_URL = /BATON_TEST_PG_URL=(\S+)/.exec(out)?.[1]
  clusterDir = /BATON_PG_CLUSTER_DIR=(\S+)/.exec(out)?.[1]
}
let failed = false
try {
  const missing = fleetMissing()
  if (missing !== null) {
    log(`cannot run: ${missing}`)
    process.exitCode = 2
  } else {
    const fleet = await startFleet({ pgUrl: env.BATON_TEST_PG_URL ?? '', nodes })
    try {
      log(`${fleet.keys.note}; ${nodes} nodes, ${workers} workers, ${seconds} s`)
      const summary = await runFleetLoad(fleet, { seconds, workers, killEvery, log })
      process.stdout.write(`${formatSummary(summary).join('\n')}\n`)
      const c = summary.counts
      failed =
        c.falseRejections + c.falseAcceptances + c.fiveXxUnexplained + c.unexpected > 0 ||
        c.transportErrors + c.writesLost + c.rotationsRefused > 0 ||
        c.rotations === 0
    } finally {
      await fleet.close()
    }
  }
} finally {
  if (clusterDir !== undefined) execFileSync('bash', [PG_SCRIPT, 'stop', clusterDir])
}
if (failed) {
  log('FAILED: a count that must be zero is not (see above)')
  process.exitCode = 1
}
