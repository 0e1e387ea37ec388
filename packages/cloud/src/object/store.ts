/**
 * Containers and objects on local disk: metadata rows in the service's SQLite database, object bytes
 * in one file each under `<data_dir>/objects/data`, written to `tmp/` first and renamed into place
 * only once complete and verified, so a reader never sees half an object and an interrupted upload
 * (client gone, service killed) leaves nothing behind but a temp file swept at start-up.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Clock } from '@baton/client'
import type { ServiceDatabase } from '../kit/database.ts'
import { CloudError, CloudErrorCode, NotFound } from '../kit/errors.ts'
import {
  type ContainerInfo,
  dropEmpty,
  type ListFilter,
  type Meta,
  Meter,
  mergeMeta,
  type ObjectInfo,
  type ObjectRow,
  type PutObject,
  parseMeta,
  range,
  toObject,
  unlinkQuietly,
} from './store_rows.ts'

export {
  type ContainerInfo,
  checkName,
  type Meta,
  OBJECT_MIGRATIONS,
  type ObjectInfo,
} from './store_rows.ts'

/** A client that stopped sending mid-upload; nothing was stored. */
export class UploadAborted extends Error {}

export class ObjectStore {
  readonly #db: ServiceDatabase
  readonly #clock: Clock
  readonly #data: string
  readonly #tmp: string

  constructor(db: ServiceDatabase, dataDir: string, clock: Clock) {
    this.#db = db
    this.#clock = clock
    this.#data = join(dataDir, 'objects', 'data')
    this.#tmp = join(dataDir, 'objects', 'tmp')
    mkdirSync(this.#data, { recursive: true, mode: 0o700 })
    mkdirSync(this.#tmp, { recursive: true, mode: 0o700 })
  }

  /** Drops what a killed process left: partial uploads, and files no row points at. */
  sweep(): number {
    let removed = 0
    for (const name of readdirSync(this.#tmp)) {
      rmSync(join(this.#tmp, name), { force: true })
      removed += 1
    }
    const referenced = new Set(
      (this.#db.prepare('SELECT file FROM objects').pluck().all() as string[]).map(String),
    )
    for (const name of readdirSync(this.#data)) {
      if (referenced.has(name)) continue
      rmSync(join(this.#data, name), { force: true })
      removed += 1
    }
    return removed
  }

  filePath(object: ObjectInfo): string {
    return join(this.#data, object.file)
  }

  accountStats(account: string): { containers: number; objects: number; bytes: number } {
    const containers = this.#db
      .prepare('SELECT COUNT(*) FROM containers WHERE account = ?')
      .pluck()
      .get(account) as number
    const totals = this.#db
      .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM objects WHERE account = ?')
      .get(account) as { n: number; b: number }
    return { containers, objects: totals.n, bytes: totals.b }
  }

  /** All at once: an account has few containers, and their counts need a second query per row. */
  containers(account: string, filter: ListFilter, limit: number): ContainerInfo[] {
    const { where, params, order } = range('c.name', filter)
    const rows = this.#db
      .prepare(
        `SELECT c.name AS name, c.created_ms AS created_ms, c.meta AS meta,
                COUNT(o.name) AS n, COALESCE(SUM(o.size), 0) AS b
         FROM containers c LEFT JOIN objects o ON o.account = c.account AND o.container = c.name
         WHERE c.account = ? ${where} GROUP BY c.name ORDER BY c.name ${order} LIMIT ?`,
      )
      .all(account, ...params, limit) as {
      name: string
      created_ms: number
      meta: string
      n: number
      b: number
    }[]
    return rows.map((row) => ({
      name: row.name,
      createdMs: row.created_ms,
      meta: parseMeta(row.meta),
      count: row.n,
      bytes: row.b,
    }))
  }

  container(account: string, name: string): ContainerInfo | undefined {
    const row = this.#db
      .prepare('SELECT name, created_ms, meta FROM containers WHERE account = ? AND name = ?')
      .get(account, name) as { name: string; created_ms: number; meta: string } | undefined
    if (row === undefined) return undefined
    const stats = this.#containerStats(account, name)
    return { name: row.name, createdMs: row.created_ms, meta: parseMeta(row.meta), ...stats }
  }

  /** True when the container was created, false when it existed (its metadata is merged). */
  putContainer(account: string, name: string, meta: Meta): boolean {
    return this.#db.transaction(() => {
      const existing = this.container(account, name)
      if (existing !== undefined) {
        this.#setContainerMeta(account, name, mergeMeta(existing.meta, meta))
        return false
      }
      this.#db
        .prepare('INSERT INTO containers (account, name, created_ms, meta) VALUES (?, ?, ?, ?)')
        .run(account, name, this.#clock.now(), JSON.stringify(dropEmpty(meta)))
      return true
    })()
  }

  postContainer(account: string, name: string, meta: Meta): void {
    const existing = this.container(account, name)
    if (existing === undefined) throw new NotFound(`Container ${name} not found`)
    this.#setContainerMeta(account, name, mergeMeta(existing.meta, meta))
  }

  /** `missing`, `not_empty` (Swift's 409) or `deleted`. */
  deleteContainer(account: string, name: string): 'missing' | 'not_empty' | 'deleted' {
    return this.#db.transaction(() => {
      if (this.container(account, name) === undefined) return 'missing' as const
      const one = this.#db
        .prepare('SELECT 1 FROM objects WHERE account = ? AND container = ? LIMIT 1')
        .get(account, name)
      if (one !== undefined) return 'not_empty' as const
      this.#db.prepare('DELETE FROM containers WHERE account = ? AND name = ?').run(account, name)
      return 'deleted' as const
    })()
  }

  *objects(account: string, container: string, filter: ListFilter): Generator<ObjectInfo> {
    const { where, params, order } = range('name', filter)
    const rows = this.#db
      .prepare(
        `SELECT name, size, etag, content_type, modified_ms, file, meta FROM objects
         WHERE account = ? AND container = ? ${where} ORDER BY name ${order}`,
      )
      .iterate(account, container, ...params) as IterableIterator<ObjectRow>
    for (const row of rows) yield toObject(row)
  }

  object(account: string, container: string, name: string): ObjectInfo | undefined {
    const row = this.#db
      .prepare(
        `SELECT name, size, etag, content_type, modified_ms, file, meta FROM objects
         WHERE account = ? AND container = ? AND name = ?`,
      )
      .get(account, container, name) as ObjectRow | undefined
    return row === undefined ? undefined : toObject(row)
  }

  /** Streams `body` to a temp file while hashing, checks it, then makes it the object. */
  async putObject(
    account: string,
    container: string,
    name: string,
    body: NodeJS.ReadableStream,
    o: PutObject,
  ): Promise<ObjectInfo> {
    if (this.container(account, container) === undefined) {
      throw new NotFound(`Container ${container} not found`)
    }
    const file = randomUUID()
    const tmp = join(this.#tmp, file)
    const meter = new Meter(o.maxSize)
    try {
      await pipeline(body, meter, createWriteStream(tmp, { mode: 0o600 }))
    } catch (error) {
      rmSync(tmp, { force: true })
      if (error instanceof CloudError) throw error
      throw new UploadAborted('the client stopped sending before the object was complete', {
        cause: error,
      })
    }
    const etag = meter.md5.digest('hex')
    try {
      if (o.expectedLength !== undefined && meter.bytes !== o.expectedLength) {
        throw new UploadAborted(`got ${meter.bytes} of ${o.expectedLength} bytes`)
      }
      if (o.expectedEtag !== undefined && o.expectedEtag.replace(/"/g, '').toLowerCase() !== etag) {
        throw new CloudError(
          CloudErrorCode.BadRequest,
          422,
          'unprocessableEntity',
          'Unprocessable Entity',
        )
      }
      renameSync(tmp, join(this.#data, file))
    } catch (error) {
      rmSync(tmp, { force: true })
      throw error
    }
    const info: ObjectInfo = {
      name,
      size: meter.bytes,
      etag,
      contentType: o.contentType,
      modifiedMs: this.#clock.now(),
      file,
      meta: dropEmpty(o.meta),
    }
    let replaced: string | undefined
    try {
      replaced = this.#db.transaction(() => {
        const old = this.object(account, container, name)
        this.#db
          .prepare(
            `INSERT OR REPLACE INTO objects
             (account, container, name, size, etag, content_type, modified_ms, file, meta)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            account,
            container,
            name,
            info.size,
            etag,
            info.contentType,
            info.modifiedMs,
            file,
            JSON.stringify(info.meta),
          )
        return old?.file
      })()
    } catch (error) {
      // the container went away while the bytes were arriving (foreign key)
      rmSync(join(this.#data, file), { force: true })
      if (this.container(account, container) === undefined) {
        throw new NotFound(`Container ${container} not found`)
      }
      throw error
    }
    if (replaced !== undefined) unlinkQuietly(join(this.#data, replaced))
    return info
  }

  postObject(
    account: string,
    container: string,
    name: string,
    meta: Meta,
    contentType?: string,
  ): void {
    const existing = this.object(account, container, name)
    if (existing === undefined) throw new NotFound(`Object ${name} not found`)
    // Swift: a POST replaces all user metadata of an object
    this.#db
      .prepare(
        'UPDATE objects SET meta = ?, content_type = ? WHERE account = ? AND container = ? AND name = ?',
      )
      .run(
        JSON.stringify(dropEmpty(meta)),
        contentType ?? existing.contentType,
        account,
        container,
        name,
      )
  }

  deleteObject(account: string, container: string, name: string): boolean {
    const existing = this.object(account, container, name)
    if (existing === undefined) return false
    this.#db
      .prepare('DELETE FROM objects WHERE account = ? AND container = ? AND name = ? AND file = ?')
      .run(account, container, name, existing.file)
    // open readers keep their file descriptor: POSIX unlink does not cut a download short
    unlinkQuietly(join(this.#data, existing.file))
    return true
  }

  #containerStats(account: string, name: string): { count: number; bytes: number } {
    const row = this.#db
      .prepare(
        'SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM objects WHERE account = ? AND container = ?',
      )
      .get(account, name) as { n: number; b: number }
    return { count: row.n, bytes: row.b }
  }

  #setContainerMeta(account: string, name: string, meta: Meta): void {
    this.#db
      .prepare('UPDATE containers SET meta = ? WHERE account = ? AND name = ?')
      .run(JSON.stringify(meta), account, name)
  }
}
