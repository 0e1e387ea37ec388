/**
 * The kysely view of the tables only Baton has (Keystone has none of them): the job-bound
 * delegations, the cache generation the validation cache checks, what the last Keystone import
 * brought, and the database key store's key sets, keys, nodes and lease. Part of `Schema`
 * (schema.ts); same conventions (BIGINT microseconds, JSON text).
 * @module
 */
import type { BoolColumn } from './bool_column.ts'

/** Baton: the ids the last `baton db import-keystone` brought, per table (migration 0019). */
export interface KeystoneImportRowTable {
  table_name: string
  id: string
}

/** Baton: a job-bound delegation (migration 0017); times BIGINT microseconds, lists JSON TEXT. */
export interface DelegationTable {
  id: string
  user_id: string
  project_id: string
  parent_id: string | null
  /** This delegation token's own audit id (its revocation event names it). */
  audit_id: string
  /** The root user token's own audit id, and its audit chain id (its parent's, or itself). */
  root_audit_id: string
  root_audit_chain_id: string
  root_issued_at: number
  root_expires_at: number
  /** The user token's methods, carried into every token of the chain. */
  methods: string
  operation: string
  audience: string
  role_ids: string
  actors: string
  created_at: number
  expires_at: number
  revoked: BoolColumn
  revoked_at: number | null
}

/** One row (id 1): moved by triggers on every write that can change a validation result. */
export interface CacheGenerationTable {
  id: number
  value: number
}

/** A database key store's key set (migration 0020): `generation` moves at every change. */
export interface FernetKeySetTable {
  repository: string
  generation: number
  kek_fingerprint: string
  updated_at: number
}

/** One Fernet key, wrapped by the key-encryption key (repository, number and role bound in). */
export interface FernetKeyTable {
  repository: string
  number: number
  role: string
  fingerprint: string
  wrapped: string
  created_at: number | null
  promoted_at: number | null
  retired_at: number | null
}

/** An identity node's heartbeat: what it has loaded, and when (database clock) it said so. */
export interface FleetNodeTable {
  node_id: string
  address: string
  last_seen: number
  clock: number
  heartbeat_interval: number
  key_store: string
  key_fingerprints: string
  kek_fingerprint: string | null
  version: string
}

export interface FleetLeaseTable {
  name: string
  holder: string
  expires_at: number
}
