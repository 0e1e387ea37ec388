/**
 * How the store reports failures: Keystone's Conflict/NotFound/ValidationError from the identity
 * registry (`../errors.ts`) with Keystone's message texts (its `StoreConfigError`, for a bad
 * `[database] connection`, happens at startup and never reaches an HTTP response).
 * Driver errors are classified here, and only here, for both dialects.
 * @module
 */
import { Conflict, DatabaseBusy, type NotFound, ValidationError } from '../errors.ts'

/** A driver error reduced to what the store acts on. */
export type ConstraintViolation = 'primary_key' | 'unique' | 'foreign_key'

export function constraintViolation(error: unknown): ConstraintViolation | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  // better-sqlite3 extended result codes.
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'primary_key'
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return 'unique'
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key'
  // PostgreSQL SQLSTATEs; primary keys are the constraints named <table>_pkey.
  if (code === '23505') {
    const constraint = (error as { constraint?: unknown }).constraint
    return typeof constraint === 'string' && constraint.endsWith('_pkey') ? 'primary_key' : 'unique'
  }
  if (code === '23503') return 'foreign_key'
  // mysql2: ER_DUP_ENTRY names the key; a primary key is always called PRIMARY.
  if (code === 'ER_DUP_ENTRY') {
    const message = (error as { sqlMessage?: unknown }).sqlMessage
    return typeof message === 'string' && /for key '(?:[^']*\.)?PRIMARY'$/.test(message)
      ? 'primary_key'
      : 'unique'
  }
  if (code === 'ER_ROW_IS_REFERENCED_2' || code === 'ER_NO_REFERENCED_ROW_2') return 'foreign_key'
  return undefined
}

/**
 * A lock the database did not grant in time, so nothing was written and a retry can succeed:
 * SQLite's SQLITE_BUSY family (busy_timeout ran out, or a snapshot went stale under a writer),
 * PostgreSQL's serialization_failure, deadlock_detected and lock_not_available, MySQL/MariaDB's
 * deadlock (1213, also Galera's certification failure), lock wait timeout (1205), and Galera's
 * "WSREP has not yet prepared node" (1047) and error during commit (1180).
 */
export function isLockUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const errno = (error as { errno?: unknown }).errno
  if (typeof (error as { sqlState?: unknown }).sqlState === 'string' && typeof errno === 'number') {
    return MYSQL_RETRYABLE.has(errno)
  }
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return false
  return (
    code === 'SQLITE_BUSY' ||
    code.startsWith('SQLITE_BUSY_') ||
    code === '40001' ||
    code === '40P01' ||
    code === '55P03'
  )
}

const MYSQL_RETRYABLE = new Set([1213, 1205, 1047, 1180])

/** `error` as the 503 `DatabaseBusy` when the database refused a lock; otherwise unchanged. */
export function busyOr(error: unknown): unknown {
  return isLockUnavailable(error) ? new DatabaseBusy(undefined, { cause: error }) : error
}

/**
 * Keystone's `handle_conflicts` message: `Conflict occurred attempting to store <type> -
 * Duplicate entry found with name <name>[ at domain ID <domain>].`
 */
export function duplicateName(type: string, name: string, domainId?: string | null): Conflict {
  const where = domainId ? ` at domain ID ${domainId}` : ''
  return conflict(type, `Duplicate entry found with name ${name}${where}`)
}

export function duplicateId(type: string, id: string): Conflict {
  return conflict(type, `Duplicate entry found with ID ${id}`)
}

export function conflict(type: string, details: string, cause?: unknown): Conflict {
  return new Conflict(`Conflict occurred attempting to store ${type} - ${details}.`, { cause })
}

/**
 * Maps a unique/primary-key violation from an insert or rename to Keystone's Conflict; rethrows
 * anything else. `byName` is the error when the natural key (name) collided, `byId` when the
 * primary key did.
 */
export function rethrowConflict(
  error: unknown,
  type: string,
  id: string,
  byName: () => Conflict,
  byId: () => Conflict = () => duplicateId(type, id),
): never {
  const violation = constraintViolation(error)
  if (violation === 'primary_key') throw byId()
  if (violation === 'unique') throw byName()
  if (violation === 'foreign_key') {
    // Only reachable when a referenced row vanished under a concurrent delete.
    throw new ValidationError(`Invalid reference while storing ${type}.`, { cause: error })
  }
  throw error
}

type NotFoundClass = new (message?: string, options?: ErrorOptions) => NotFound

/** keystone: `Could not find <entity>: <id>.` */
export function notFound(cls: NotFoundClass, entity: string, id: string): NotFound {
  return new cls(`Could not find ${entity}: ${id}.`)
}
