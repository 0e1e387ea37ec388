/**
 * Section 7, fleet (issue 17): the fleet of test/support/fleet.ts (three `baton serve identity`
 * nodes on one PostgreSQL, behind HAProxy, a guarded echo on a Redis token cache) measured three
 * ways:
 * - validation throughput through HAProxy to 1, 2 and 3 nodes (and to one node without HAProxy),
 *   side by side in alternating rounds. On a 2-core machine the nodes share the same two cores
 *   (with wrk and HAProxy): more nodes cannot add cores the machine lacks, so expect no gain;
 *   the figure shows what HAProxy and extra processes cost, not how a fleet scales.
 * - what a cached validation at the middleware costs the shared parts: identity requests
 *   (HAProxy's count, which bounds the DB queries: the middleware has no DB connection) and Redis
 *   commands per echo call, after a first call that validated the token.
 * - the cost of a key change reaching every node, until every node issues tokens with the new
 *   primary key: files mode, `baton keys rotate` on one node and a copy to the others; database
 *   mode, `baton keys rotate` against the shared database (the same rotation the lease holder
 *   makes automatically) and the nodes' 250 ms poll, timed from the rotate command's start (the
 *   files figure's counterpart) and from its end (the pickup alone).
 * Skipped with the reason when HAProxy, Redis, wrk or PostgreSQL is missing.
 * @module
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MultiFernet } from '@baton/fernet'
import { type Fleet, passwordAuthBody, startFleet } from '../../test/support/fleet.ts'
import { chooseKeyMode, fleetKeys } from '../../test/support/fleet_keys.ts'
import { batonCommand } from '../../test/support/fleet_node.ts'
import { HAPROXY_BIN, HAPROXY_MISSING, startHaproxy } from '../../test/support/haproxy.ts'
import { REDIS_BIN, REDIS_MISSING } from '../../test/support/servers.ts'
import { type Contender, measureAlternating, rpsSample } from '../lib/compare.ts'
import { type BenchContext, SectionSkipped } from '../lib/context.ts'
import { validateOnce, validateRequest } from '../lib/identity_api.ts'
import { startPgCluster } from '../lib/postgres.ts'
import { type Figure, median, ratioFigure, valueFigure } from '../lib/results.ts'

/** Redis's total_commands_processed (INFO itself counts one). */
function redisCommands(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      const m = /total_commands_processed:(\d+)/.exec(text)
      if (m?.[1] !== undefined && text.endsWith('\r\n')) {
        socket.destroy()
        resolve(Number(m[1]))
      }
    })
    socket.once('error', reject)
    socket.write('INFO stats\r\n')
  })
}

async function token(url: string, user: { name: string; password: string }, project: string) {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(passwordAuthBody(user.name, user.password, project)),
  })
  await res.arrayBuffer()
  const id = res.headers.get('x-subject-token')
  if (res.status !== 201 || id === null) throw new Error(`token at ${url}: ${res.status}`)
  return id
}

async function throughput(ctx: BenchContext, fleet: Fleet): Promise<Figure[]> {
  const auth = await token(fleet.url, fleet.users.svc, fleet.projects.service)
  const subject = await token(fleet.url, fleet.users.alice, fleet.projects.demo)
  const proxies = []
  try {
    const contenders: Contender[] = []
    const first = fleet.nodes[0]
    if (first === undefined) throw new Error('no node')
    contenders.push({ label: '1 node, direct', request: validateRequest(first.url, auth, subject) })
    for (let k = 1; k <= fleet.nodes.length; k += 1) {
      const proxy = await startHaproxy({
        backends: fleet.nodes.slice(0, k).map((n) => ({ name: n.name, port: n.port })),
      })
      if (proxy === null) throw new SectionSkipped(HAPROXY_MISSING)
      proxies.push(proxy)
      const request = validateRequest(proxy.url, auth, subject)
      await validateOnce(request, `a token through HAProxy to ${k} nodes`)
      contenders.push({ label: `HAProxy, ${k} node${k > 1 ? 's' : ''}`, request })
    }
    const measured = await measureAlternating(ctx, contenders)
    const get = (label: string) => {
      const m = measured.find((x) => x.label === label)
      if (m === undefined) throw new Error(`${label} not measured`)
      return m
    }
    const one = get('HAProxy, 1 node')
    const note =
      'Same 2 cores for every node, wrk and HAProxy: no gain is expected from nodes the ' +
      'machine has no cores for; on a machine with a core per node the ratio is the scaling.'
    return [
      ratioFigure({
        id: 'fleet.haproxy_overhead',
        title: 'Validation through HAProxy to 1 node vs the node directly',
        subject: rpsSample(one),
        baseline: rpsSample(get('1 node, direct')),
      }),
      ...fleet.nodes.slice(1).map((_, i) =>
        ratioFigure({
          id: `fleet.validation_${i + 2}_nodes`,
          title: `Validation through HAProxy: ${i + 2} nodes vs 1 node`,
          subject: rpsSample(get(`HAProxy, ${i + 2} nodes`)),
          baseline: rpsSample(one),
          note,
        }),
      ),
    ]
  } finally {
    for (const proxy of proxies) await proxy.stop()
  }
}

async function cachedEcho(fleet: Fleet): Promise<Figure[]> {
  const echo = fleet.echo
  const redis = fleet.redis
  if (echo === null || redis === null) throw new Error('the fleet has no echo')
  const user = await token(fleet.url, fleet.users.alice, fleet.projects.demo)
  const call = async () => {
    const res = await fetch(echo.url, { headers: { 'X-Auth-Token': user } })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`echo: ${res.status}`)
  }
  await call() // validates through HAProxy, caches in memory and in Redis
  const calls = 200
  const identityBefore = (await fleet.haproxy.backendStats()).requests
  const redisBefore = await redisCommands(redis.port)
  for (let i = 0; i < calls; i += 1) await call()
  const identity = (await fleet.haproxy.backendStats()).requests - identityBefore
  const commands = (await redisCommands(redis.port)) - redisBefore - 1
  return [
    valueFigure({
      id: 'fleet.cached_echo_identity_requests',
      title: 'Identity requests (so DB queries) per cached echo call',
      value: identity / calls,
      unit: 'x',
      target: { op: '<=', value: 0 },
      samples: [{ label: `identity requests in ${calls} calls`, value: identity, unit: 'req' }],
      note: 'the middleware has no DB connection: no identity request means no DB query',
    }),
    valueFigure({
      id: 'fleet.cached_echo_redis_commands',
      title: 'Redis commands per cached echo call',
      value: commands / calls,
      unit: 'x',
      samples: [{ label: `Redis commands in ${calls} calls`, value: commands, unit: 'cmd' }],
      note: 'validations cached in the process are served before the shared cache is asked',
    }),
  ]
}

function primaryKey(dir: string): string {
  const repo = join(dir, 'fernet-keys')
  const numbers = readdirSync(repo)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
  return readFileSync(join(repo, String(Math.max(...numbers))), 'utf8').trim()
}

/** Does `key` decrypt `token` (a Fernet token without its base64 padding)? */
function encryptedWith(key: string, token: string): boolean {
  try {
    new MultiFernet([key]).decrypt(token + '='.repeat((4 - (token.length % 4)) % 4))
    return true
  } catch {
    return false
  }
}

function asFilesFigure(figure: Figure): Figure {
  return { ...figure, id: `${figure.id}_files` }
}

/** Asks each node directly until its tokens are encrypted with `key`. */
async function untilEveryNodeIssuesWith(fleet: Fleet, key: string, started: number) {
  for (const node of fleet.nodes) {
    for (;;) {
      const issued = await token(node.url, fleet.users.alice, fleet.projects.demo)
      if (encryptedWith(key, issued)) break
      if (performance.now() - started > 30_000) throw new Error(`${node.name} kept its old key`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}

function reachFigure(id: string, title: string, times: readonly number[], note: string): Figure {
  return valueFigure({
    id,
    title,
    value: Math.round(median(times)),
    unit: 'ms',
    samples: times.map((t, i) => ({ label: `round ${i + 1}`, value: Math.round(t), unit: 'ms' })),
    note,
  })
}

async function keyChange(fleet: Fleet): Promise<{ figures: Figure[]; details: string[] }> {
  const first = fleet.nodes[0]
  if (first === undefined) throw new Error('no node')
  if (!fleet.keys.handRotation) return databaseKeyChange(fleet, first.conf)
  const times: number[] = []
  for (let round = 0; round < 5; round += 1) {
    let started = performance.now()
    let outcome = await fleet.rotate()
    // the fleet check refuses until each node's heartbeat (every second) reports the last copy:
    // wait that out untimed, as an operator would
    for (let tries = 0; !outcome.rotated && /have not loaded/.test(outcome.reason); tries += 1) {
      if (tries > 40) break
      await new Promise((resolve) => setTimeout(resolve, 250))
      started = performance.now()
      outcome = await fleet.rotate()
    }
    if (!outcome.rotated) throw new Error(`rotation refused: ${outcome.reason}`)
    await untilEveryNodeIssuesWith(fleet, primaryKey(first.dir), started)
    times.push(performance.now() - started)
  }
  return {
    figures: [
      reachFigure(
        'fleet.key_change_reach',
        'Key change reaching every node (rotate + copy to the last node issuing with it)',
        times,
        'files mode: baton keys rotate on node1, copy to the others; nodes reload on fs.watch',
      ),
    ],
    details: [],
  }
}

/** The staged key (Keystone's key 0), which the next rotation promotes: exported beforehand. */
async function nextPrimary(conf: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-keys-'))
  try {
    await batonCommand(['keys', 'export', '--to', join(dir, 'keys'), '--config-file', conf])
    return readFileSync(join(dir, 'keys', '0'), 'utf8').trim()
  } finally {
    rmSync(dir, { recursive: true })
  }
}

/** Until every node's heartbeat reports the whole set: the next rotation's fleet check needs it. */
async function untilHeartbeatsCurrent(fleet: Fleet): Promise<void> {
  const deadline = performance.now() + 30_000
  for (;;) {
    const status = await fleet.keys.status(fleet.nodes)
    if (status === null) return
    const current = fleet.nodes.every((node) => {
      const beat = status.nodes.find((n) => n.nodeId === node.name)
      return beat !== undefined && status.keys.every((k) => beat.fingerprints.includes(k))
    })
    if (current) return
    if (performance.now() > deadline) throw new Error('a node never reported the new key set')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function databaseKeyChange(
  fleet: Fleet,
  conf: string,
): Promise<{ figures: Figure[]; details: string[] }> {
  const fromStart: number[] = []
  const fromCommit: number[] = []
  for (let round = 0; round < 5; round += 1) {
    await untilHeartbeatsCurrent(fleet)
    const key = await nextPrimary(conf)
    const started = performance.now()
    await batonCommand(['keys', 'rotate', '--config-file', conf])
    const committed = performance.now()
    await untilEveryNodeIssuesWith(fleet, key, started)
    const done = performance.now()
    fromStart.push(done - started)
    fromCommit.push(done - committed)
  }
  const note =
    'database mode: baton keys rotate writes the set in one transaction; each node polls the ' +
    "set's generation every 250 ms and reloads; no copy"
  return {
    figures: [
      reachFigure(
        'fleet.key_change_reach',
        'Key change reaching every node (rotate, to the last node issuing with it)',
        fromStart,
        note,
      ),
      reachFigure(
        'fleet.key_change_pickup',
        'Key change pickup (rotate committed, to the last node issuing with it)',
        fromCommit,
        note,
      ),
    ],
    details: [],
  }
}

export async function fleetSection(
  ctx: BenchContext,
): Promise<{ figures: Figure[]; details: string[] }> {
  ctx.requireWrk()
  if (!existsSync(HAPROXY_BIN)) throw new SectionSkipped(HAPROXY_MISSING)
  if (!existsSync(REDIS_BIN)) throw new SectionSkipped(REDIS_MISSING)
  let pgUrl = process.env.BATON_TEST_PG_URL
  let cluster: Awaited<ReturnType<typeof startPgCluster>> | undefined
  if (pgUrl === undefined) {
    try {
      cluster = await startPgCluster()
    } catch (error) {
      throw new SectionSkipped(`PostgreSQL: ${error instanceof Error ? error.message : error}`)
    }
    pgUrl = cluster.url
  }
  try {
    ctx.log('starting a fleet: 3 identity nodes on PostgreSQL behind HAProxy, echo on Redis')
    // long-lived tokens: wrk validates one token for the whole run; rotations by hand only
    const timings = { expiration: 3600, window: 3600, rotationInterval: 600 }
    const fleet = await startFleet({ pgUrl, ...timings })
    let measured: { figures: Figure[]; details: string[] }
    try {
      ctx.log(fleet.keys.note)
      const figures = [...(await throughput(ctx, fleet)), ...(await cachedEcho(fleet))]
      const keys = await keyChange(fleet)
      measured = { figures: [...figures, ...keys.figures], details: [fleet.keys.note] }
    } finally {
      await fleet.close()
    }
    if (fleet.keys.mode === 'files') return measured
    // the files key store's rotate + copy on the same machine, side by side (no echo needed)
    ctx.log('starting a files-mode fleet for the rotate + copy figure')
    const choice = chooseKeyMode('files')
    const files = await startFleet({
      pgUrl,
      ...timings,
      echo: false,
      keys: fleetKeys(timings, choice),
    })
    try {
      const keys = await keyChange(files)
      return {
        figures: [...measured.figures, ...keys.figures.map(asFilesFigure)],
        details: [...measured.details, choice.note],
      }
    } finally {
      await files.close()
    }
  } finally {
    await cluster?.stop()
  }
}
