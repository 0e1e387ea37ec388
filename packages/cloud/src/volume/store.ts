/**
 * The volume service's table: one row per volume with its state machine (creating -> downloading ->
 * available | error, available <-> in-use), its image copy progress and its single attachment.
 * Every read is scoped to a project, so another project's volume is simply not found (as in Cinder).
 * @module
 */
import type { ServiceDatabase } from '../kit/database.ts'
import { type ListQuery, updateRow } from '../kit/rows.ts'

export const VOLUME_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE volumes (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT,
  size INTEGER NOT NULL,
  status TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  image_id TEXT,
  image_metadata TEXT,
  bytes_copied INTEGER NOT NULL DEFAULT 0,
  bytes_total INTEGER,
  fault_message TEXT,
  fault_at TEXT,
  attachment_id TEXT,
  attached_server TEXT,
  attached_device TEXT,
  attached_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX volumes_by_project ON volumes (project_id, created_at, id);
`,
]

export type VolumeStatus = 'creating' | 'downloading' | 'available' | 'in-use' | 'error'

export type VolumeRow = {
  readonly id: string
  readonly project_id: string
  readonly user_id: string
  readonly name: string
  readonly description: string | null
  readonly size: number
  readonly status: VolumeStatus
  readonly metadata: string
  readonly image_id: string | null
  readonly image_metadata: string | null
  readonly bytes_copied: number
  readonly bytes_total: number | null
  readonly fault_message: string | null
  readonly fault_at: string | null
  readonly attachment_id: string | null
  readonly attached_server: string | null
  readonly attached_device: string | null
  readonly attached_at: string | null
  readonly created_at: string
  readonly updated_at: string
}

export type NewVolume = Pick<
  VolumeRow,
  'id' | 'project_id' | 'user_id' | 'name' | 'description' | 'size'
> & {
  readonly metadata: Readonly<Record<string, string>>
  readonly imageId: string | null
}

type Changes = Partial<
  Omit<VolumeRow, 'id' | 'project_id' | 'user_id' | 'created_at' | 'updated_at'>
>

export class VolumeStore {
  readonly #db: ServiceDatabase
  readonly #now: () => string

  constructor(db: ServiceDatabase, now: () => string) {
    this.#db = db
    this.#now = now
  }

  create(v: NewVolume): VolumeRow {
    const now = this.#now()
    this.#db
      .prepare(
        `INSERT INTO volumes (id, project_id, user_id, name, description, size, status, metadata, image_id,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?, ?)`,
      )
      .run(
        v.id,
        v.project_id,
        v.user_id,
        v.name,
        v.description,
        v.size,
        JSON.stringify(v.metadata),
        v.imageId,
        now,
        now,
      )
    return this.byId(v.id) as VolumeRow
  }

  /** Any project's volume: for background jobs, which act on a volume they were given. */
  byId(id: string): VolumeRow | undefined {
    return this.#db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow | undefined
  }

  get(projectId: string, id: string): VolumeRow | undefined {
    return this.#db
      .prepare('SELECT * FROM volumes WHERE id = ? AND project_id = ?')
      .get(id, projectId) as VolumeRow | undefined
  }

  /** Newest first (Cinder's default sort: created_at desc, id desc); undefined when the marker is unknown. */
  list(q: ListQuery): VolumeRow[] | undefined {
    const where = ['project_id = ?']
    const args: (string | number)[] = [q.projectId]
    if (q.name !== undefined) {
      where.push('name = ?')
      args.push(q.name)
    }
    if (q.status !== undefined) {
      where.push('status = ?')
      args.push(q.status)
    }
    if (q.marker !== undefined) {
      const marker = this.get(q.projectId, q.marker)
      if (marker === undefined) return undefined
      where.push('(created_at, id) < (?, ?)')
      args.push(marker.created_at, marker.id)
    }
    const limit = q.limit === undefined ? '' : ` LIMIT ${Math.floor(q.limit)}`
    return this.#db
      .prepare(
        `SELECT * FROM volumes WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC${limit}`,
      )
      .all(...args) as VolumeRow[]
  }

  update(id: string, changes: Changes): void {
    updateRow(this.#db, 'volumes', id, changes, this.#now())
  }

  /** Sets the status only when the volume is still in `from` (a compare-and-set for racing requests). */
  transition(
    id: string,
    from: readonly VolumeStatus[],
    changes: Changes & { status: VolumeStatus },
  ): boolean {
    const names = Object.keys(changes)
    const values = Object.values(changes) as (string | number | null)[]
    const result = this.#db
      .prepare(
        `UPDATE volumes SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ?
         WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      )
      .run(...values, this.#now(), id, ...from)
    return result.changes === 1
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM volumes WHERE id = ?').run(id)
  }
}
