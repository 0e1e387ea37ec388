/**
 * The object store's rows and the small pure pieces around them: the schema, the shapes of
 * containers and objects, listing bounds as SQL, Swift's metadata rules, the byte meter that
 * hashes and caps an upload, and Swift's name checks.
 * @module
 */
import { createHash } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { Transform, type TransformCallback } from 'node:stream'
import { BadRequest, TooLarge } from '../kit/errors.ts'

export const OBJECT_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE containers (
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  meta TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (account, name)
);
CREATE TABLE objects (
  account TEXT NOT NULL,
  container TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  file TEXT NOT NULL,
  meta TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (account, container, name),
  FOREIGN KEY (account, container) REFERENCES containers (account, name)
);
`,
]

/** Swift metadata headers kept as given (lower-case name -> value). */
export type Meta = Record<string, string>

export type ContainerInfo = {
  readonly name: string
  readonly createdMs: number
  readonly count: number
  readonly bytes: number
  readonly meta: Meta
}

export type ObjectInfo = {
  readonly name: string
  readonly size: number
  readonly etag: string
  readonly contentType: string
  readonly modifiedMs: number
  readonly file: string
  readonly meta: Meta
}

export type ListFilter = {
  readonly prefix?: string | undefined
  readonly marker?: string | undefined
  readonly endMarker?: string | undefined
  readonly reverse?: boolean
}

export type PutObject = {
  readonly contentType: string
  readonly meta: Meta
  /** Content-Length when the client sent one (chunked uploads have none). */
  readonly expectedLength: number | undefined
  /** The client's ETag header: the upload is refused with 422 unless the MD5 matches. */
  readonly expectedEtag: string | undefined
  readonly maxSize: number
}

export type ObjectRow = {
  name: string
  size: number
  etag: string
  content_type: string
  modified_ms: number
  file: string
  meta: string
}

/** Counts and hashes the bytes going by; refuses more than `max`. */
export class Meter extends Transform {
  readonly md5 = createHash('md5')
  bytes = 0
  readonly #max: number
  constructor(max: number) {
    super()
    this.#max = max
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.#max) {
      done(new TooLarge('Your request is too large.'))
      return
    }
    this.md5.update(chunk)
    done(null, chunk)
  }
}

/** marker / end_marker / prefix as SQL bounds (byte order: SQLite's BINARY collation on UTF-8). */
export function range(
  column: string,
  f: ListFilter,
): { where: string; params: string[]; order: string } {
  const clauses: string[] = []
  const params: string[] = []
  const [after, before] = f.reverse ? ['<', '>'] : ['>', '<']
  if (f.marker !== undefined && f.marker !== '') {
    clauses.push(`${column} ${after} ?`)
    params.push(f.marker)
  }
  if (f.endMarker !== undefined && f.endMarker !== '') {
    clauses.push(`${column} ${before} ?`)
    params.push(f.endMarker)
  }
  if (f.prefix !== undefined && f.prefix !== '') {
    clauses.push(`substr(${column}, 1, length(?)) = ?`)
    params.push(f.prefix, f.prefix)
  }
  const where = clauses.map((c) => `AND ${c}`).join(' ')
  return { where, params, order: f.reverse ? 'DESC' : 'ASC' }
}

export function toObject(row: ObjectRow): ObjectInfo {
  return {
    name: row.name,
    size: row.size,
    etag: row.etag,
    contentType: row.content_type,
    modifiedMs: row.modified_ms,
    file: row.file,
    meta: parseMeta(row.meta),
  }
}

export function parseMeta(text: string): Meta {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as Meta) : {}
  } catch {
    return {}
  }
}

/** Swift: a metadata header with an empty value removes that item. */
export function mergeMeta(old: Meta, update: Meta): Meta {
  return dropEmpty({ ...old, ...update })
}

export function dropEmpty(meta: Meta): Meta {
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== ''))
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone: nothing to free
  }
}

/** Swift refuses names it cannot store or list unambiguously. */
export function checkName(kind: 'container' | 'object', name: string, maxBytes: number): void {
  if (Buffer.byteLength(name, 'utf8') > maxBytes) {
    throw new BadRequest(
      `${kind === 'container' ? 'Container' : 'Object'} name length of ${Buffer.byteLength(name)} longer than ${maxBytes}`,
    )
  }
  if (name.includes('\0')) throw new BadRequest('Invalid UTF8 or contains NULL')
}
