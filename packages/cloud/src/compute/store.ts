/**
 * The compute service's table: one row per server with its build state (BUILD -> ACTIVE | ERROR),
 * its boot volume and the fault that explains an ERROR. Deleted servers keep their row (with
 * `deleted_at`, as Nova soft-deletes) so a build still running can clean up after them.
 * @module
 */
import type { ServiceDatabase } from '../kit/database.ts'
import { type ListQuery, updateRow } from '../kit/rows.ts'

export const COMPUTE_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE servers (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  task_state TEXT,
  flavor_id TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  boot_image_id TEXT NOT NULL,
  volume_size INTEGER NOT NULL,
  delete_on_termination INTEGER NOT NULL DEFAULT 0,
  volume_id TEXT,
  fault_code INTEGER,
  fault_message TEXT,
  fault_created TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  launched_at TEXT,
  deleted_at TEXT
);
CREATE INDEX servers_by_project ON servers (project_id, created_at, id);
`,
]

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'ERROR'

export type ServerRow = {
  readonly id: string
  readonly project_id: string
  readonly user_id: string
  readonly name: string
  readonly status: ServerStatus
  readonly task_state: string | null
  readonly flavor_id: string
  readonly metadata: string
  readonly boot_image_id: string
  readonly volume_size: number
  readonly delete_on_termination: number
  readonly volume_id: string | null
  readonly fault_code: number | null
  readonly fault_message: string | null
  readonly fault_created: string | null
  readonly created_at: string
  readonly updated_at: string
  readonly launched_at: string | null
  readonly deleted_at: string | null
}

export type NewServer = Pick<
  ServerRow,
  'id' | 'project_id' | 'user_id' | 'name' | 'flavor_id' | 'boot_image_id' | 'volume_size'
> & { readonly deleteOnTermination: boolean; readonly metadata: Readonly<Record<string, string>> }

type Changes = Partial<
  Omit<ServerRow, 'id' | 'project_id' | 'user_id' | 'created_at' | 'updated_at'>
>

export class ServerStore {
  readonly #db: ServiceDatabase
  readonly #now: () => string

  constructor(db: ServiceDatabase, now: () => string) {
    this.#db = db
    this.#now = now
  }

  create(s: NewServer): ServerRow {
    const now = this.#now()
    this.#db
      .prepare(
        `INSERT INTO servers (id, project_id, user_id, name, status, task_state, flavor_id, metadata,
           boot_image_id, volume_size, delete_on_termination, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'BUILD', 'scheduling', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.id,
        s.project_id,
        s.user_id,
        s.name,
        s.flavor_id,
        JSON.stringify(s.metadata),
        s.boot_image_id,
        s.volume_size,
        s.deleteOnTermination ? 1 : 0,
        now,
        now,
      )
    return this.byId(s.id) as ServerRow
  }

  /** Including deleted rows: the build job's view. */
  byId(id: string): ServerRow | undefined {
    return this.#db.prepare('SELECT * FROM servers WHERE id = ?').get(id) as ServerRow | undefined
  }

  get(projectId: string, id: string): ServerRow | undefined {
    return this.#db
      .prepare('SELECT * FROM servers WHERE id = ? AND project_id = ? AND deleted_at IS NULL')
      .get(id, projectId) as ServerRow | undefined
  }

  /** Newest first; undefined when the marker is not one of the project's servers. */
  list(q: ListQuery): ServerRow[] | undefined {
    const where = ['project_id = ?', 'deleted_at IS NULL']
    const args: (string | number)[] = [q.projectId]
    if (q.status !== undefined) {
      where.push('status = ?')
      args.push(q.status.toUpperCase())
    }
    if (q.marker !== undefined) {
      const marker = this.get(q.projectId, q.marker)
      if (marker === undefined) return undefined
      where.push('(created_at, id) < (?, ?)')
      args.push(marker.created_at, marker.id)
    }
    let rows = this.#db
      .prepare(
        `SELECT * FROM servers WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC`,
      )
      .all(...args) as ServerRow[]
    if (q.name !== undefined) rows = rows.filter(nameMatcher(q.name))
    return q.limit === undefined ? rows : rows.slice(0, q.limit)
  }

  update(id: string, changes: Changes): void {
    updateRow(this.#db, 'servers', id, changes, this.#now())
  }

  /** BUILD -> ACTIVE/ERROR only while the server still exists and is building. */
  finishBuild(id: string, changes: Changes & { status: ServerStatus }): boolean {
    const names = Object.keys(changes)
    const values = Object.values(changes) as (string | number | null)[]
    const result = this.#db
      .prepare(
        `UPDATE servers SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ?
         WHERE id = ? AND status = 'BUILD' AND deleted_at IS NULL`,
      )
      .run(...values, this.#now(), id)
    return result.changes === 1
  }

  markDeleted(id: string): void {
    this.update(id, { deleted_at: this.#now(), task_state: null })
  }
}

/**
 * Nova filters server names by regular expression. Evaluating user regexes risks catastrophic
 * backtracking, so only the common forms are honoured: a substring, anchored with ^ and/or $.
 */
function nameMatcher(pattern: string): (row: ServerRow) => boolean {
  const start = pattern.startsWith('^')
  const end = pattern.endsWith('$') && pattern.length > (start ? 1 : 0)
  const text = pattern.slice(start ? 1 : 0, end ? -1 : undefined)
  return ({ name }) => {
    if (start && end) return name === text
    if (start) return name.startsWith(text)
    if (end) return name.endsWith(text)
    return name.includes(text)
  }
}
