/**
 * `[DEFAULT] use_json = false`: pino's JSON lines rewritten as oslo.log-style text lines
 * (`2026-01-02 03:04:05.678 1234 INFO baton.identity [req-...] request completed GET /v3 200 1.2ms`).
 * Only built when asked for: the default (JSON) path writes pino's lines untouched.
 * @module
 */
import { createWriteStream } from 'node:fs'

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARNING',
  50: 'ERROR',
  60: 'CRITICAL',
}

type Record_ = {
  time?: number
  pid?: number
  level?: number
  reqId?: string
  msg?: string
  req?: { method?: string; url?: string }
  res?: { statusCode?: number }
  responseTime?: number
  err?: { type?: string; message?: string }
}

/** One pino JSON line as one text line (a line that is not JSON passes through). */
export function textLine(json: string, name: string): string {
  let r: Record_
  try {
    r = JSON.parse(json) as Record_
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const time = new Date(r.time ?? Date.now()).toISOString().replace('T', ' ').replace('Z', '')
  const level = LEVELS[r.level ?? 30] ?? String(r.level)
  const parts = [time, String(r.pid ?? process.pid), level, name, `[${r.reqId ?? '-'}]`]
  parts.push(r.msg ?? '')
  if (r.req?.method !== undefined) parts.push(r.req.method, r.req.url ?? '')
  if (r.res?.statusCode !== undefined) parts.push(String(r.res.statusCode))
  if (r.responseTime !== undefined) parts.push(`${r.responseTime.toFixed(1)}ms`)
  if (r.err?.message !== undefined) parts.push(`${r.err.type ?? 'Error'}: ${r.err.message}`)
  return `${parts.join(' ')}\n`
}

/** A pino destination writing text lines to `file` (appended) or standard output. */
export function textLogStream(name: string, file?: string): { write(line: string): void } {
  const out = file === undefined ? process.stdout : createWriteStream(file, { flags: 'a' })
  return { write: (line) => void out.write(textLine(line, name)) }
}
