/**
 * What the operator side says about the fleet: every node's last heartbeat (fleet_node), whether
 * it is live, whether it has loaded the staged token key (a node that has not would be unable to
 * validate tokens once the next rotation promotes that key), and its clock skew. Read from the
 * database when asked (a scrape or an admin's /healthcheck), never per request.
 * @module
 */
import { readFleet } from '../fleet/fleet_nodes.ts'
import type { StoreDatabase } from '../store/index.ts'

export type FleetNodeView = {
  readonly node_id: string
  readonly address: string
  readonly key_store: string
  readonly live: boolean
  readonly seconds_since_heartbeat: number
  /** null when the key set has no staged key to compare. */
  readonly holds_staged_key: boolean | null
  readonly clock_skew_ms: number
  readonly version: string
}

export type FleetView = {
  readonly nodes: readonly FleetNodeView[]
  readonly live: number
  readonly lagging: readonly string[]
}

export async function fleetView(
  database: StoreDatabase,
  stagedFingerprint: string | undefined,
): Promise<FleetView> {
  const fleet = await readFleet(database)
  const nodes = fleet.map((node): FleetNodeView => {
    const tokens = node.fingerprints.fernet_tokens
    return {
      node_id: node.nodeId,
      address: node.address,
      key_store: node.keyStore,
      live: node.live,
      seconds_since_heartbeat: Math.round(node.ageMs / 100) / 10,
      holds_staged_key:
        stagedFingerprint === undefined || tokens === undefined
          ? null
          : tokens.includes(stagedFingerprint),
      clock_skew_ms: Math.round(node.skewMs),
      version: node.version,
    }
  })
  return {
    nodes,
    live: nodes.filter((node) => node.live).length,
    lagging: nodes
      .filter((node) => node.live && node.holds_staged_key === false)
      .map((node) => node.node_id),
  }
}
