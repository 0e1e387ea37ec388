/**
 * Three real `baton serve identity` processes on one PostgreSQL database with
 * `[fernet_tokens] key_store = database` and no key file on disk: a rotation made by
 * `baton keys rotate` reaches every node within a second or so (each then issues with the new
 * primary, and each node's tokens validate at the others), `baton keys status` lists the nodes,
 * a node that lags (a heartbeat row with old fingerprints) makes rotation refuse, and automatic
 * rotation moves to another node after `kill -9` of the lease holder. PostgreSQL only (skipped
 * without BATON_TEST_PG_URL): SQLite is one machine's file.
 * @module
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { main } from '@baton/cli'
import { Fernet, readKeyEncryptionKey } from '../../../packages/fernet/src/index.ts'
import {
  databaseNowMicros,
  leaseHolder,
  ROTATION_LEASE,
  readKeySet,
} from '../../../packages/identity/src/fleet/index.ts'
import { freePort, stopChild } from '../../interop/identity_process.ts'
import { adminToken } from '../../interop/support/write_burst.ts'
import { freshDatabase, PG_SKIP, type TestDb } from '../store/store.fixtures.ts'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname
const PASSWORD = 'fleet-admin-pw'

type Node = { id: string; url: string; conf: string; child: ChildProcess; stderr: () => string }

async function baton(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const status = await main(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
    now: Date.now,
    debug: false,
  })
  return { status, out: out.join('\n'), err: err.join('\n') }
}

function writeConf(dir: string, name: string, connection: string, extra: string[]): string {
  const conf = join(dir, `${name}.conf`)
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${connection}`,
      '[fernet_tokens]',
      'key_store = database',
      `key_encryption_key_file = ${join(dir, 'kek')}`,
      // never created: the keys are in the database
      `key_repository = ${join(dir, 'no-such-key-dir', name)}`,
      'max_active_keys = 10',
      '[credential]',
      `key_repository = ${join(dir, 'credential-keys')}`,
      '[fleet]',
      `node_id = ${name}`,
      'heartbeat_interval = 1',
      '[metrics]',
      'enabled = true',
      ...extra,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  return conf
}

async function startNode(dir: string, name: string, connection: string, extra: string[] = []) {
  const conf = writeConf(dir, name, connection, extra)
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [BATON_BIN, 'serve', 'identity', '--config-file', conf, '--port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node ${name} exited: ${stderr}`)
    if (Date.now() > deadline) throw new Error(`node ${name} did not start: ${stderr}`)
    try {
      const res = await fetch(`${url}/v3`)
      await res.arrayBuffer()
      if (res.status === 200) break
    } catch {
      // not yet
    }
    await sleep(100)
  }
  return { id: name, url, conf, child, stderr: () => stderr } satisfies Node
}

async function reissue(node: Node, auth: string): Promise<string> {
  const res = await fetch(`${node.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: auth } } } }),
  })
  await res.arrayBuffer()
  const token = res.headers.get('x-subject-token')
  if (res.status !== 201 || token === null) throw new Error(`token reissue: ${res.status}`)
  return token
}

async function validates(node: Node, subject: string, auth: string): Promise<boolean> {
  const res = await fetch(`${node.url}/v3/auth/tokens`, {
    headers: { 'x-auth-token': auth, 'x-subject-token': subject },
  })
  await res.arrayBuffer()
  return res.status === 200
}

describe('a fleet on one PostgreSQL database, key_store = database', { skip: PG_SKIP }, () => {
  let db: TestDb
  let dir: string
  const nodes: Node[] = []

  before(async () => {
    db = await freshDatabase('postgres')
    dir = mkdtempSync(join(tmpdir(), 'baton-fleet-'))
    const setupConf = writeConf(dir, 'admin', db.url, [])
    for (const args of [
      ['db', 'sync'],
      ['keys', 'setup'],
      ['credential', 'setup'],
      ['bootstrap', '--bootstrap-password', PASSWORD],
    ]) {
      const run = await baton([...args, '--config-file', setupConf])
      assert.equal(run.status, 0, `${args.join(' ')}: ${run.err}`)
    }
    for (const name of ['node-a', 'node-b', 'node-c'])
      nodes.push(await startNode(dir, name, db.url))
  })

  after(async () => {
    await Promise.all(nodes.map((node) => stopChild(node.child)))
    await db?.close()
  })

  test('a rotation at one place reaches every node; lagging nodes block the next', async () => {
    assert.equal(existsSync(join(dir, 'no-such-key-dir')), false, 'no key file on disk')
    const conf = join(dir, 'admin.conf')
    const kek = readKeyEncryptionKey(join(dir, 'kek'))
    // every node has sent a heartbeat: status lists them, current
    const status = await baton(['keys', 'status', '--config-file', conf])
    assert.equal(status.status, 0, status.err)
    for (const node of nodes) assert.match(status.out, new RegExp(`${node.id} .* current`))

    const auth = await adminToken(nodes[0]?.url ?? '', PASSWORD)
    const rotate = await baton(['keys', 'rotate', '--config-file', conf])
    const rotatedAt = Date.now()
    assert.equal(rotate.status, 0, rotate.err)
    const set = await readKeySet(db.database.db, 'fernet_tokens', kek)
    const primary = new Fernet(set?.keys[0]?.key ?? '')
    const issuedWithNewPrimary = new Map<string, string>()
    const pickup = new Map<string, number>()
    // re-issue by the token method (cheap, no bcrypt), at every node at once, until each uses
    // the new primary
    while (issuedWithNewPrimary.size < nodes.length && Date.now() - rotatedAt < 10_000) {
      await Promise.all(
        nodes
          .filter((node) => !issuedWithNewPrimary.has(node.id))
          .map(async (node) => {
            const token = await reissue(node, auth)
            try {
              primary.decrypt(token)
              issuedWithNewPrimary.set(node.id, token)
              pickup.set(node.id, Date.now() - rotatedAt)
            } catch {
              // still the old primary
            }
          }),
      )
      await sleep(10)
    }
    console.log(`pickup after rotation (ms): ${JSON.stringify(Object.fromEntries(pickup))}`)
    assert.equal(issuedWithNewPrimary.size, nodes.length, 'every node issues with the new primary')
    for (const [, token] of issuedWithNewPrimary) {
      for (const node of nodes) assert.equal(await validates(node, token, token), true)
    }
    // /metrics reads the key set the node loaded from the database (no repository on disk)
    const metrics = await (await fetch(`${nodes[0]?.url}/metrics`)).text()
    assert.match(metrics, new RegExp(`^baton_fernet_keys ${set?.keys.length}$`, 'm'))
    assert.match(metrics, /^baton_fernet_key_age_seconds\{role="primary"\} \d+$/m)
    assert.match(metrics, /^baton_fleet_nodes\{state="live"\} 3$/m)

    // a node that lags: live (recent heartbeat) but without the staged key; the real nodes have
    // reported the new staged key by their next heartbeat
    await sleep(1500)
    const now = await databaseNowMicros(db.database)
    await db.database.db
      .insertInto('fleet_node')
      .values({
        node_id: 'node-stale',
        address: '10.9.9.9:5000',
        last_seen: now,
        clock: now,
        heartbeat_interval: 3600,
        key_store: 'database',
        key_fingerprints: JSON.stringify({ fernet_tokens: [set?.keys[0]?.fingerprint] }),
        kek_fingerprint: kek.fingerprint,
        version: 'old',
      })
      .execute()
    const scraped = await (await fetch(`${nodes[0]?.url}/metrics`)).text()
    assert.match(scraped, /^baton_fleet_nodes\{state="lagging"\} [1-9]$/m)
    const refused = await baton(['keys', 'rotate', '--config-file', conf])
    assert.notEqual(refused.status, 0)
    assert.match(refused.err, /node-stale \(10\.9\.9\.9:5000\) have not loaded staged key 0/)
    const lagging = await baton(['keys', 'status', '--config-file', conf])
    assert.match(lagging.out, /node-stale .* LAGGING/)
    const forced = await baton(['keys', 'rotate', '--force', '--config-file', conf])
    assert.equal(forced.status, 0, forced.err)
    assert.match(forced.err, /--force overrode the fleet check: .*node-stale/)
    await db.database.db.deleteFrom('fleet_node').where('node_id', '=', 'node-stale').execute()
  })

  test('automatic rotation: one lease holder; after kill -9 another node takes over', async () => {
    await Promise.all(nodes.splice(0).map((node) => stopChild(node.child)))
    const auto = ['rotation_interval = 2']
    // short-lived tokens so the guard lets a rotation every 2 s purge what it must
    // (and no delegations, whose day-long lifetime the guard would wait for)
    const token = [
      '[token]',
      'expiration = 1',
      'allow_expired_window = 0',
      '[delegation]',
      'enabled = false',
    ]
    const extra = [...token, '[fernet_tokens]', ...auto]
    nodes.push(await startNode(dir, 'auto-1', db.url, extra))
    nodes.push(await startNode(dir, 'auto-2', db.url, extra))
    const generation = async () =>
      Number(
        (
          await db.database.db
            .selectFrom('fernet_key_set')
            .select('generation')
            .where('repository', '=', 'fernet_tokens')
            .executeTakeFirstOrThrow()
        ).generation,
      )
    const waitFor = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
      const deadline = Date.now() + ms
      while (!(await check())) {
        if (Date.now() > deadline) {
          throw new Error(`${what} did not happen: ${nodes.map((n) => n.stderr()).join('\n')}`)
        }
        await sleep(100)
      }
    }
    const start = await generation()
    await waitFor('an automatic rotation', async () => (await generation()) > start)
    const lease = await leaseHolder(db.database, ROTATION_LEASE)
    const holder = nodes.find((node) => node.id === lease?.holder)
    assert.ok(holder, `the lease names a running node: ${lease?.holder}`)
    const shown = await baton(['keys', 'status', '--config-file', join(dir, 'admin.conf')])
    assert.match(shown.out, new RegExp(`node ${holder.id} holds the rotation lease`))
    const survivor = nodes.find((node) => node !== holder)
    holder.child.kill('SIGKILL')
    await waitFor('the lease takeover', async () => {
      const now = await leaseHolder(db.database, ROTATION_LEASE)
      return now?.holder === survivor?.id
    })
    const taken = await generation()
    await waitFor('a rotation by the new holder', async () => (await generation()) > taken)
    assert.match(
      survivor?.stderr() ?? '',
      /automatic rotation \(node auto-\d holds the rotation lease\)/,
    )
  })
})
