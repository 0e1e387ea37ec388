#!/usr/bin/env node
/**
 * `npm run bench:cli`: how long `baton` takes to start, as whole processes, side by side with
 * `node -e ''` (the floor no command can go under). Each command runs `--runs` times after one
 * warm-up, in turn (A B C A B C ...) so a drift of the machine's speed hits all of them alike; the
 * table gives wall-clock and CPU seconds (children's user+sys from /proc/self/stat, 10 ms ticks).
 * Runs the built CLI (npm install builds it; `npm run build` after editing), plus the sources
 * through tsx as `npm run dev` does, for reference. Usage: node bench/cli_startup.mjs [--runs N]
 * @module
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const bin = join(root, 'packages', 'cli', 'bin', 'baton.mjs')
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 11
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer')
if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) {
  console.error('bench: packages/cli/dist is missing: run `npm run build` first')
  process.exit(1)
}

// A Keystone-issued token and its key repository (the identity fixtures), in a private copy.
const fixtures = join(root, 'test', 'identity', 'fixtures')
const keys = mkdtempSync(join(tmpdir(), 'baton-bench-keys-'))
mkdirSync(keys, { recursive: true, mode: 0o700 })
for (const name of ['0', '1', '2'])
  copyFileSync(join(fixtures, 'keystone-keys', name), join(keys, name))
const { cases } = JSON.parse(readFileSync(join(fixtures, 'keystone_tokens.json'), 'utf8'))
const token = cases.find((c) => c.keystone.ok !== undefined).token

const tsx = import.meta.resolve('tsx')
const sourceEnv = { ...process.env, NODE_OPTIONS: `--conditions=@baton/source --import=${tsx}` }
const plainEnv = { ...process.env, NODE_OPTIONS: '' }
const commands = [
  { label: "node -e ''", args: ['-e', ''], env: plainEnv },
  { label: 'baton --version', args: [bin, '--version'], env: plainEnv },
  { label: 'baton --help', args: [bin, '--help'], env: plainEnv },
  {
    label: 'baton token decode',
    args: [bin, 'token', 'decode', '--key-repository', keys, token],
    env: plainEnv,
  },
  { label: 'baton --help (sources, tsx)', args: [bin, '--help'], env: sourceEnv },
]

/** CPU seconds used by this process's reaped children so far (utime + stime of the children). */
function childCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) / 100 // cutime, cstime in USER_HZ (100)
  } catch {
    return Number.NaN
  }
}

function once(command) {
  const cpu0 = childCpuSeconds()
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, command.args, {
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.status !== 0) throw new Error(`${command.label} exited ${r.status}: ${r.stderr}`)
  return { wall, cpu: childCpuSeconds() - cpu0 }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

try {
  for (const command of commands) once(command) // warm-up (disk cache, compile cache)
  const samples = commands.map(() => [])
  for (let i = 0; i < runs; i++) {
    commands.forEach((c, j) => {
      samples[j].push(once(c))
    })
  }
  const floor = median(samples[0].map((s) => s.wall))
  const f = (x) => x.toFixed(3)
  console.log(`node ${process.version}, ${runs} runs each after a warm-up; seconds`)
  console.log('command                        wall median (min-max)     cpu median  x node -e')
  commands.forEach((c, j) => {
    const walls = samples[j].map((s) => s.wall)
    const wall = median(walls)
    const range = `(${f(Math.min(...walls))}-${f(Math.max(...walls))})`
    const cpu = median(samples[j].map((s) => s.cpu))
    console.log(
      `${c.label.padEnd(30)} ${f(wall)} ${range.padEnd(15)}    ${f(cpu)}       ${(wall / floor).toFixed(2)}`,
    )
  })
} finally {
  rmSync(keys, { recursive: true, force: true })
}
