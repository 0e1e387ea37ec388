/**
 * Reads the services' audit trails (`[console] audit_trail_files`) for the console's Delegated calls
 * and Windows views, incrementally and bounded: each file is read from where the last read stopped,
 * only complete lines count (a line still being written is read next time), at most the last
 * `maxLines` lines stay in memory, a file that shrank or was replaced is read again from its start,
 * a missing file is reported (not an error), and a line that is not an audit line is skipped and
 * counted, never a 500.
 *
 * The line format is written by the reference services (packages/cloud/src/kit/audit.ts,
 * `openAuditLog`: one JSON object per line, `time` first); identity does not import the cloud, so
 * `AuditTrailLine` is this reader's own structural type of it (test/identity/operations/
 * audit_trail.test.ts writes a line with the cloud's writer and reads it back here).
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/** One line of a service's audit trail, as the cloud writes it. */
export type AuditTrailLine = {
  readonly time: string
  readonly service: string
  readonly direction: 'received' | 'sent'
  readonly request_id: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly user_id?: string
  readonly project_id?: string
  readonly service_user_id?: string
  readonly service_roles?: readonly string[]
  readonly expired_user_token_accepted?: boolean
  /** When the user token expired (received lines with a confirmed user token; newer trails). */
  readonly user_token_expires_at?: string
  readonly target?: string
  readonly service_token_sent?: boolean
  readonly delegation_id?: string
  readonly parent_delegation_id?: string
  readonly operation?: string
  readonly actor_chain?: readonly string[]
  readonly outcome: 'ok' | 'error'
  readonly detail?: string
}

/** A line kept in memory: parsed, with its time in ms and the order it was read in. */
export type TrailEntry = {
  readonly seq: number
  readonly at: number
  readonly line: AuditTrailLine
}

export type TrailFileReport = {
  readonly file: string
  /** `missing`: no such file (yet); `unreadable`: it exists but could not be read. */
  readonly state: 'reading' | 'missing' | 'unreadable'
  readonly lines_read: number
  /** Lines that were not audit lines (not JSON, or missing a field): skipped. */
  readonly junk_lines: number
  /** Times the file shrank or was replaced, and was read again from its start. */
  readonly restarts: number
  readonly error?: string
}

export type AuditTrailOptions = {
  /** Lines kept in memory across all files (the oldest go first). */
  readonly maxLines?: number
  /** The most read from one file in one refresh; a longer backlog is skipped to its tail. */
  readonly maxReadBytes?: number
}

type FileCursor = {
  readonly file: string
  offset: number
  inode: number | undefined
  state: TrailFileReport['state']
  linesRead: number
  junk: number
  restarts: number
  error: string | undefined
}

const DIRECTIONS = new Set(['received', 'sent'])
const OUTCOMES = new Set(['ok', 'error'])
const optionalString = (value: unknown) => value === undefined || typeof value === 'string'
const stringList = (value: unknown) =>
  value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'))

/** The parsed line when it has the audit line's shape; undefined for anything else. */
export function parseTrailLine(raw: string): AuditTrailLine | undefined {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  const wellFormed =
    typeof v.time === 'string' &&
    Number.isFinite(Date.parse(v.time)) &&
    typeof v.service === 'string' &&
    DIRECTIONS.has(v.direction as string) &&
    typeof v.request_id === 'string' &&
    typeof v.method === 'string' &&
    typeof v.path === 'string' &&
    typeof v.status === 'number' &&
    OUTCOMES.has(v.outcome as string) &&
    optionalString(v.user_id) &&
    optionalString(v.service_user_id) &&
    optionalString(v.project_id) &&
    (v.expired_user_token_accepted === undefined ||
      typeof v.expired_user_token_accepted === 'boolean') &&
    (v.user_token_expires_at === undefined ||
      (typeof v.user_token_expires_at === 'string' &&
        Number.isFinite(Date.parse(v.user_token_expires_at)))) &&
    optionalString(v.target) &&
    optionalString(v.delegation_id) &&
    optionalString(v.operation) &&
    optionalString(v.detail) &&
    stringList(v.actor_chain) &&
    stringList(v.service_roles)
  return wellFormed ? (v as AuditTrailLine) : undefined
}

export class AuditTrailReader {
  readonly maxLines: number
  readonly #maxReadBytes: number
  readonly #cursors: FileCursor[]
  #entries: TrailEntry[] = []
  #seq = 0
  #dropped = 0

  constructor(files: readonly string[], options: AuditTrailOptions = {}) {
    this.maxLines = options.maxLines ?? 5000
    this.#maxReadBytes = options.maxReadBytes ?? 4 * 1024 * 1024
    this.#cursors = files.map((file) => ({
      file,
      offset: 0,
      inode: undefined,
      state: 'missing',
      linesRead: 0,
      junk: 0,
      restarts: 0,
      error: undefined,
    }))
  }

  /** Reads what was appended to each file since the last refresh. */
  refresh(): void {
    for (const cursor of this.#cursors) this.#readFile(cursor)
    if (this.#entries.length > this.maxLines) {
      this.#dropped += this.#entries.length - this.maxLines
      this.#entries = this.#entries.slice(-this.maxLines)
    }
  }

  /** The lines in memory, in the order they were read (oldest first). */
  entries(): readonly TrailEntry[] {
    return this.#entries
  }

  /** Lines read but no longer in memory (beyond `maxLines`). */
  get dropped(): number {
    return this.#dropped
  }

  files(): TrailFileReport[] {
    return this.#cursors.map((c) => ({
      file: c.file,
      state: c.state,
      lines_read: c.linesRead,
      junk_lines: c.junk,
      restarts: c.restarts,
      ...(c.error === undefined ? {} : { error: c.error }),
    }))
  }

  #readFile(cursor: FileCursor): void {
    let fd: number
    try {
      fd = openSync(cursor.file, 'r')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      cursor.state = code === 'ENOENT' ? 'missing' : 'unreadable'
      cursor.error = code === 'ENOENT' ? undefined : String(code ?? error)
      return
    }
    try {
      const stat = fstatSync(fd)
      if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
      const replaced = cursor.inode !== undefined && cursor.inode !== stat.ino
      if (replaced || stat.size < cursor.offset) {
        // rotated (a new file under the name) or truncated: its lines are new, read from the start
        cursor.offset = 0
        cursor.restarts += 1
      }
      cursor.inode = stat.ino
      cursor.state = 'reading'
      cursor.error = undefined
      let skipPartial = false
      if (stat.size - cursor.offset > this.#maxReadBytes) {
        // a backlog larger than memory keeps anyway: only its tail, from the next line on
        cursor.offset = stat.size - this.#maxReadBytes
        skipPartial = true
      }
      const length = stat.size - cursor.offset
      if (length <= 0) return
      const buffer = Buffer.alloc(length)
      const read = readSync(fd, buffer, 0, length, cursor.offset)
      let text = buffer.subarray(0, read)
      let consumed = 0
      if (skipPartial) {
        const first = text.indexOf(0x0a)
        if (first < 0) return
        consumed = first + 1
        text = text.subarray(consumed)
      }
      const lastNewline = text.lastIndexOf(0x0a)
      if (lastNewline < 0) {
        cursor.offset += consumed
        return
      }
      // only complete lines: a line still being written is read on the next refresh
      cursor.offset += consumed + lastNewline + 1
      for (const raw of text.subarray(0, lastNewline).toString('utf8').split('\n')) {
        if (raw.trim() === '') continue
        const line = parseTrailLine(raw)
        if (line === undefined) {
          cursor.junk += 1
          continue
        }
        cursor.linesRead += 1
        this.#seq += 1
        this.#entries.push({ seq: this.#seq, at: Date.parse(line.time), line })
      }
    } catch (error) {
      cursor.state = 'unreadable'
      cursor.error = String((error as NodeJS.ErrnoException).code ?? error)
    } finally {
      closeSync(fd)
    }
  }
}
