/**
 * The fleet (issue 17): the database key store, heartbeats, leases, for the CLI and the server.
 * @module
 */
export { databaseNowMicros } from './database_clock.ts'
export { DatabaseKeys } from './database_keys.ts'
export { ROTATION_LEASE } from './fleet_agent.ts'
export { type FleetNode, laggingNodes, readFleet, recordHeartbeat } from './fleet_nodes.ts'
export {
  type DatabaseRotation,
  importKeySet,
  rotateKeySet,
  setupKeySet,
} from './key_set_changes.ts'
export {
  asKeyFiles,
  type KeySet,
  type KeySetName,
  readKeySet,
  readKeySetInfo,
} from './key_set_store.ts'
export { acquireLease, leaseHolder } from './lease.ts'
