/**
 * Each service's own SQLite database (better-sqlite3, WAL) with numbered migrations tracked in
 * `PRAGMA user_version`, so a restarted service finds its jobs and resources where it left them.
 * @module
 */
import { chmodSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type ServiceDatabase = Database.Database

export function openServiceDatabase(path: string, migrations: readonly string[]): ServiceDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = new Database(path)
  // it holds user tokens of running jobs: owner only
  if (path !== ':memory:') chmodSync(path, 0o600)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const current = Number(db.pragma('user_version', { simple: true }))
  const apply = db.transaction(() => {
    for (let i = current; i < migrations.length; i++) {
      db.exec(migrations[i] ?? '')
      db.pragma(`user_version = ${i + 1}`)
    }
  })
  apply()
  return db
}
