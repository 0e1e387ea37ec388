/**
 * The bench's pure parts on fabricated inputs (nothing here is timed): figures and their verdicts,
 * the printed table, the result file (round trip, and byte-identical to what `biome format`
 * makes of it, so a committed result passes lint), wrk's summary line and Lua quoting, the CPU
 * profile summary, and the command-line flags.
 * @module
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { summarizeProfile } from '../../bench/lib/cpu_profile.ts'
import { parseBenchArgs, UsageError } from '../../bench/lib/options.ts'
import { resultJson } from '../../bench/lib/result_file.ts'
import {
  type BenchResult,
  margin,
  median,
  NOTICE,
  ratioFigure,
  tally,
  valueFigure,
} from '../../bench/lib/results.ts'
import { formatNumber, formatTable } from '../../bench/lib/table.ts'
import { luaString, parseWrkSummary, wrkScript } from '../../bench/lib/wrk.ts'

const BIOME = new URL('../../node_modules/.bin/biome', import.meta.url).pathname

const validation = ratioFigure({
  id: 'http_validation.vs_keystone',
  title: 'GET /v3/auth/tokens vs Keystone',
  subject: { label: 'Baton', value: 6000, unit: 'req/s' },
  baseline: { label: 'Keystone', value: 100, unit: 'req/s' },
  target: { op: '>=', value: 50 },
  note: 'uwsgi answers Connection: close',
})
const formatter = ratioFigure({
  id: 'formatter.vs_keystone',
  title: 'decrypt + decode vs Keystone',
  subject: { label: 'Baton', value: 40000, unit: 'tokens/s' },
  baseline: { label: 'Keystone', value: 10000, unit: 'tokens/s' },
  target: { op: '>=', value: 5 },
})
const latency = valueFigure({
  id: 'token_issue.validation_p99_under_password_flood',
  title: 'validation p99 during a password flood',
  value: 12.5,
  unit: 'ms',
  target: { op: '<=', value: 50 },
})
const rss = valueFigure({ id: 'scale.sqlite.peak_rss', title: 'peak RSS', value: 180, unit: 'MiB' })
const zeroBaseline = ratioFigure({
  id: 'x.zero',
  title: 'over a zero rate',
  subject: { label: 'a', value: 5, unit: 'req/s' },
  baseline: { label: 'b', value: 0, unit: 'req/s' },
})

const result: BenchResult = {
  schema: 'baton-bench/1',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:08:00.000Z',
  quick: false,
  notice: NOTICE,
  machine: {
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryGiB: 8,
    node: 'v20.0.0',
    platform: 'linux-x64',
    loadAverage: { start: 1.5, end: 3.25 },
  },
  settings: { wrk: '-t2 -c32 -d5s', rounds: 2, bcrypt_cost: 12 },
  sections: [
    {
      id: 'formatter',
      title: '1. In-process token validation',
      status: 'ok',
      reason: null,
      seconds: 14.6,
      figures: [formatter],
      details: [],
    },
    {
      id: 'http_validation',
      title: '2. HTTP validation',
      status: 'ok',
      reason: null,
      seconds: 60,
      figures: [validation, latency, rss, zeroBaseline],
      details: ['vs ceiling: fine'],
    },
    {
      id: 'scale',
      title: '5. Scale',
      status: 'skipped',
      reason: 'wrk not installed: apt-get install wrk',
      seconds: 0,
      figures: [],
      details: [],
    },
    {
      id: 'middleware',
      title: '4. Middleware overhead',
      status: 'failed',
      reason: 'guarded: 3 of 9 answers were errors (>= 400)',
      seconds: 2,
      figures: [],
      details: [],
    },
  ],
}

test('figures: ratio, verdict against the target, and the margin either way', () => {
  assert.equal(validation.value, 60)
  assert.equal(validation.met, true)
  assert.ok(Math.abs((margin(validation) ?? 0) - 0.2) < 1e-9)
  assert.equal(formatter.value, 4)
  assert.equal(formatter.met, false)
  assert.ok(Math.abs((margin(formatter) ?? 0) + 0.2) < 1e-9)
  assert.equal(latency.met, true, '12.5 ms <= 50 ms')
  assert.ok(Math.abs((margin(latency) ?? 0) - 0.75) < 1e-9, 'a latency under target is a +margin')
  assert.equal(rss.met, null)
  assert.equal(margin(rss), null)
  assert.equal(zeroBaseline.value, Number.POSITIVE_INFINITY)
  assert.deepEqual(tally(result), { met: 2, missed: 1, skipped: 2 })
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([4, 1, 2, 3]), 2.5)
  assert.ok(Number.isNaN(median([])))
})

test('the table shows every figure with its verdict, and why sections did not run', () => {
  const table = formatTable(result)
  const lines = table.split('\n')
  const row = (title: string) => lines.find((l) => l.includes(title)) ?? ''
  assert.match(
    row('GET /v3/auth/tokens vs Keystone'),
    /60x\s+>= 50x\s+met by 20%\s+Baton 6,000 req\/s vs Keystone 100 req\/s/,
  )
  assert.match(row('decrypt + decode vs Keystone'), /4x\s+>= 5x\s+MISSED by 20%/)
  assert.match(row('validation p99'), /12\.5 ms\s+<= 50 ms\s+met by 75%/)
  assert.match(row('peak RSS'), /180 MiB\s+-\s+info/)
  assert.match(row('5. Scale'), /SKIPPED.*wrk not installed: apt-get install wrk/)
  assert.match(row('4. Middleware'), /FAILED.*3 of 9 answers were errors/)
  assert.match(table, /http_validation\.vs_keystone: uwsgi answers Connection: close/)
  assert.match(table, /vs ceiling: fine/)
  assert.match(table, /side by side/)
  assert.match(table, /load average 1\.5 at start, 3\.25 at end/)
  assert.match(lines.at(-2) ?? '', /targets met: 2, missed: 1, sections not run: 2/)
  assert.equal(formatNumber(12345.6), '12,346')
  assert.equal(formatNumber(4.56789), '4.57')
  assert.equal(formatNumber(0.012345), '0.0123')
})

test('the result file round-trips, with non-finite numbers as null', () => {
  const text = resultJson(result)
  assert.ok(text.endsWith('}\n'))
  const back = JSON.parse(text)
  assert.equal(back.sections[1].figures[3].value, null)
  // JSON.stringify also writes Infinity as null: the file holds exactly the same data.
  assert.deepEqual(back, JSON.parse(JSON.stringify(result)))
})

test('the result file is laid out exactly as biome formats it', () => {
  const long = Array.from({ length: 12 }, (_, i) => `a fairly long string number ${i}`)
  const doc = { ...result, extra: { short: ['a', 'b'], long, nested: [{ a: 1 }, []], empty: {} } }
  const text = resultJson(doc)
  assert.match(text, /"short": \["a", "b"\]/)
  assert.match(text, /"long": \[\n {6}"a fairly long string number 0",/)
  const run = spawnSync(BIOME, ['format', '--stdin-file-path=bench/results/latest.json'], {
    input: text,
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout, text)
})

test('wrk: the done hook summary is parsed, and Lua strings are quoted byte-exactly', () => {
  const out =
    'Running 5s test @ http://127.0.0.1:1/\n' +
    'BENCH_JSON {"requests":5000,"duration_us":5000000,"connect":0,"read":1,"write":0,' +
    '"timeout":2,"status":3,"p50_us":1500,"p90_us":4000,"p99_us":12500,"max_us":30000}\n'
  const r = parseWrkSummary(out)
  assert.equal(r.rps, 1000)
  assert.deepEqual(r.errors, { connect: 0, read: 1, write: 0, timeout: 2, status: 3 })
  assert.deepEqual(r.latencyMs, { p50: 1.5, p90: 4, p99: 12.5, max: 30 })
  assert.throws(() => parseWrkSummary('Running 5s test\n'), /no summary/)
  assert.throws(() => parseWrkSummary('BENCH_JSON {"requests":1}\n'), /lacks duration_us/)
  assert.equal(luaString('a"b\\c\nü'), '"a\\34b\\92c\\10\\195\\188"')
  const script = wrkScript({
    method: 'POST',
    url: 'http://127.0.0.1:1/v3/auth/tokens',
    headers: { 'X-Auth-Token': 'tok' },
    body: '{"a":1}',
  })
  assert.match(script, /wrk\.method = "POST"/)
  assert.match(script, /wrk\.headers\["X-Auth-Token"\] = "tok"/)
  assert.match(script, /wrk\.body = "\{\\34a\\34:1\}"/)
  assert.match(script, /done = function\(summary, latency, requests\)/)
})

test('CPU profile: self time by function and area, only inside the window', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 })
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('prepare', 'file:///x/node_modules/better-sqlite3/lib/w.js') },
      { id: 3, callFrame: frame('decode', 'file:///x/packages/identity/src/token/p.ts') },
      { id: 4, callFrame: frame('(garbage collector)', '') },
    ],
    startTime: 0,
    endTime: 100_000,
    samples: [3, 2, 2, 3, 4, 2],
    timeDeltas: [5000, 10_000, 10_000, 10_000, 10_000, 50_000],
  }
  const s = summarizeProfile(profile, { from: 10_000, to: 50_000 })
  assert.equal(s.sampledMs, 40)
  assert.deepEqual(
    s.areas.map((a) => [a.name, a.percent]),
    [
      ['node_modules/better-sqlite3', 50],
      ['packages/identity/token', 25],
      ['(garbage collector)', 25],
    ],
  )
  assert.equal(s.functions[0]?.name, 'prepare node_modules/better-sqlite3/lib/w.js:10')
  assert.equal(s.functions[0]?.ms, 20)
  const all = summarizeProfile(profile)
  assert.equal(all.areas[0]?.name, 'node_modules/better-sqlite3')
  assert.equal(all.areas[0]?.percent, Math.round((70 / 95) * 1000) / 10)
})

test('flags: --quick shrinks the run, --only picks sections, mistakes are usage errors', () => {
  const full = parseBenchArgs([])
  const quick = parseBenchArgs(['--quick', '--only', 'scale,formatter', '--no-install'])
  assert.equal(full.rounds, 2)
  assert.equal(full.scale.users, 100_000)
  assert.deepEqual(quick.sections, ['formatter', 'scale'])
  assert.equal(quick.install, false)
  assert.ok(quick.wrk.seconds < full.wrk.seconds)
  assert.equal(quick.scale.users, 10_000)
  assert.throws(() => parseBenchArgs(['--only', 'nope']), UsageError)
  assert.throws(() => parseBenchArgs(['--out']), UsageError)
  assert.throws(() => parseBenchArgs(['--fast']), UsageError)
})
