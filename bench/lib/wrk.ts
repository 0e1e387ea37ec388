/**
 * Load generation with wrk: the request (method, headers, body) goes into a Lua script in the
 * bench's private scratch dir, never onto wrk's command line, because tokens and passwords on a
 * command line are visible to every user of a shared machine. The script's `done` hook prints
 * one JSON line that `parseWrkSummary` reads; a run with non-2xx answers or many socket errors is
 * refused, so the bench never reports how fast a server says "401".
 * @module
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type WrkRequest = {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export type WrkSettings = {
  readonly threads: number
  readonly connections: number
  readonly seconds: number
  /** Per-request timeout (wrk's default of 2 s is too short for a bcrypt flood). */
  readonly timeoutSeconds: number
}

export type WrkResult = {
  readonly requests: number
  readonly seconds: number
  readonly rps: number
  readonly errors: {
    readonly connect: number
    readonly read: number
    readonly write: number
    readonly timeout: number
    /** Responses with a status of 400 or more. */
    readonly status: number
  }
  readonly latencyMs: {
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
  }
}

const SUMMARY_MARK = 'BENCH_JSON '

/** A Lua string literal for any text (decimal escapes for everything outside printable ASCII). */
export function luaString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
    out += printable ? String.fromCharCode(byte) : `\\${byte}`
  }
  return `${out}"`
}

export function wrkScript(request: WrkRequest): string {
  const lines = [`wrk.method = ${luaString(request.method)}`]
  for (const [name, value] of Object.entries(request.headers)) {
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`)
  }
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`)
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(',
    `    '${SUMMARY_MARK}{"requests":%.0f,"duration_us":%.0f,"connect":%.0f,"read":%.0f,' ..`,
    `    '"write":%.0f,"timeout":%.0f,"status":%.0f,"p50_us":%.0f,"p90_us":%.0f,' ..`,
    `    '"p99_us":%.0f,"max_us":%.0f}\\n',`,
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))',
    'end',
    '',
  )
  return lines.join('\n')
}

function field(record: Record<string, unknown>, name: string): number {
  const value = record[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`wrk summary lacks ${name}`)
  }
  return value
}

/** Reads the summary line the script's `done` hook printed. */
export function parseWrkSummary(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith(SUMMARY_MARK))
  if (line === undefined) throw new Error('wrk printed no summary (did the Lua script load?)')
  const raw: unknown = JSON.parse(line.slice(SUMMARY_MARK.length))
  if (typeof raw !== 'object' || raw === null) throw new Error('wrk summary is not an object')
  const record = raw as Record<string, unknown>
  const requests = field(record, 'requests')
  const seconds = field(record, 'duration_us') / 1e6
  const ms = (name: string) => field(record, name) / 1000
  return {
    requests,
    seconds,
    rps: seconds > 0 ? requests / seconds : 0,
    errors: {
      connect: field(record, 'connect'),
      read: field(record, 'read'),
      write: field(record, 'write'),
      timeout: field(record, 'timeout'),
      status: field(record, 'status'),
    },
    latencyMs: { p50: ms('p50_us'), p90: ms('p90_us'), p99: ms('p99_us'), max: ms('max_us') },
  }
}

/** Throws when the run measured failures rather than work. */
export function assertClean(result: WrkResult, what: string): WrkResult {
  const { errors } = result
  if (result.requests === 0) throw new Error(`${what}: no request completed`)
  if (errors.status > 0) {
    throw new Error(`${what}: ${errors.status} of ${result.requests} answers were errors (>= 400)`)
  }
  const socket = errors.connect + errors.read + errors.write + errors.timeout
  if (socket > result.requests * 0.01) {
    throw new Error(
      `${what}: ${socket} socket errors (connect ${errors.connect}, read ${errors.read}, ` +
        `write ${errors.write}, timeout ${errors.timeout}) in ${result.requests} requests`,
    )
  }
  return result
}

/** Runs wrk once; the script file lives in `scratchDir` (created 0700 by the caller). */
export function runWrk(
  request: WrkRequest,
  settings: WrkSettings,
  scratchDir: string,
): Promise<WrkResult> {
  const script = join(scratchDir, `wrk-${randomBytes(6).toString('hex')}.lua`)
  writeFileSync(script, wrkScript(request), { mode: 0o600 })
  const args = [
    '-t',
    String(settings.threads),
    '-c',
    String(Math.max(settings.connections, settings.threads)),
    '-d',
    // wrk takes whole seconds only
    `${Math.max(1, Math.round(settings.seconds))}s`,
    '--timeout',
    `${settings.timeoutSeconds}s`,
    '-s',
    script,
    request.url,
  ]
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (settings.seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error !== null) {
        const said = `${stderr}\n${stdout}`.trim().split('\n').slice(-3).join(' | ')
        reject(new Error(`wrk failed (${String(error.code ?? error.signal)}): ${said}`))
        return
      }
      try {
        resolve(parseWrkSummary(stdout))
      } catch (cause) {
        reject(cause)
      }
    })
  })
}
