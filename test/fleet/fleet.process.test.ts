/**
 * The fleet test (issue 17): three real `baton serve identity` nodes (own config, own key
 * directory) on one PostgreSQL database, behind a real HAProxy (health checks, retries,
 * redispatch), a guarded `baton serve echo` with its token cache in a real Redis. For
 * BATON_FLEET_SECONDS (default 25) workers issue, rescope and validate tokens and call the echo
 * with user + service tokens (expired user tokens too: expiration 5 s, allow_expired_window 10 s)
 * and create projects and users, while nodes are kill -9'd and restarted at random and the keys
 * rotate every 3 s (files mode: by hand, copied to each node; database mode, the default: by the
 * fleet itself, `rotation_interval = 3`, the lease holder rotating even when it was the one killed). A valid token must never be refused, no 5xx may escape apart from requests in
 * flight to a killed node that HAProxy's retries could not save (reported, not failed), and every
 * acknowledged write must exist at the end. `npm run soak` runs the same for minutes.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fleetMissing, startFleet } from '../support/fleet.ts'
import { formatSummary } from '../support/fleet_counts.ts'
import { keyFilesOnDisk } from '../support/fleet_keys.ts'
import { runFleetLoad } from '../support/fleet_load.ts'

const SECONDS = Number(process.env.BATON_FLEET_SECONDS ?? 25)

test('a fleet of three identity nodes under kill -9 and key rotation: no false rejection, no stray 5xx, no lost write', {
  timeout: 240_000,
}, async (t) => {
  const missing = fleetMissing()
  if (missing !== null) return t.skip(missing)
  const pgUrl = process.env.BATON_TEST_PG_URL ?? ''
  const fleet = await startFleet({ pgUrl })
  try {
    t.diagnostic(fleet.keys.note)
    const summary = await runFleetLoad(fleet, { seconds: SECONDS })
    for (const line of formatSummary(summary)) t.diagnostic(line)
    const c = summary.counts
    assert.equal(c.falseRejections, 0, 'a token valid for the whole request was refused')
    assert.equal(c.falseAcceptances, 0, 'an expired token without a service token was accepted')
    assert.equal(c.fiveXxUnexplained, 0, 'a 5xx not in flight at a kill')
    assert.equal(c.unexpected, 0, 'an answer nobody expected')
    assert.equal(c.transportErrors, 0, 'HAProxy or the echo did not answer at all')
    assert.equal(c.writesLost, 0, 'an acknowledged write is gone')
    // the run did what it claims: nodes died, keys rotated, expired tokens were exercised
    assert.ok(c.kills >= 1, 'no node was killed')
    assert.equal(c.restarts, c.kills)
    // files: the harness rotated; database: the fleet did, by itself, through the kills (counted
    // from the key set's generation), every serving node caught up, and no key file exists
    assert.ok(c.rotations >= 2, `keys rotated ${c.rotations} times`)
    if (fleet.keys.handRotation) {
      assert.equal(c.rotationsRefused, 0, 'the rotation guard refused: max_active_keys too small')
    } else {
      assert.ok(c.rotationsAfterAKill >= 1, 'the fleet stopped rotating once a node was killed')
      assert.ok(c.rotationMs.length >= 1, 'no rotation was seen reaching every node')
      for (const node of fleet.nodes) assert.deepEqual(keyFilesOnDisk(node), [], node.name)
    }
    assert.ok(c.writesAcknowledged > 0, 'no write acknowledged')
    for (const op of [
      'issue',
      'validate',
      'echo_user_service',
      'validate_expired',
      'echo_expired_service',
    ] as const) {
      assert.ok(c.ops[op].ok > 0, `no successful ${op}`)
    }
  } finally {
    await fleet.close()
  }
})
