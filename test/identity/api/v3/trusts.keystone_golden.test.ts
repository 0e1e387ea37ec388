import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { apiSuite } from './support.ts'
import { trustWorld } from './trust_world.ts'

type Case = {
  label: string
  caller: string
  method: string
  path: string
  body: unknown
  response: { status: number; body: unknown }
}
type Golden = {
  ids: Record<string, string>
  trusts: Record<string, string>
  cases: Case[]
}

const golden: Golden = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_trusts.json', import.meta.url), 'utf8'),
)

/** Keystone's own "now + 1h" shape, from a clock. */
function keystoneTime(ms: number, fraction: string): string {
  return `${new Date(ms).toISOString().slice(0, 19)}${fraction}Z`
}

function substitute(value: unknown, names: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{([a-z_]+(?::[a-z_]+)?)\}/g, (_, key: string) => names[key] ?? 'none')
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, names))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names)]))
  }
  return value
}

/** IDs become their names, hosts and times placeholders; lists sorted; messages cut at \n\n. */
function normalize(value: unknown, byId: Map<string, string>): unknown {
  if (typeof value === 'string') {
    let out = value.split('\n\n')[0] as string
    for (const [id, name] of byId) out = out.replaceAll(id, `<${name}>`)
    return out
      .replace(/^http:\/\/[^/]+\/v3/, '<endpoint>/v3')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/, '<time>')
  }
  if (Array.isArray(value)) {
    return value
      .map((v) => normalize(v, byId))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, normalize(v, byId)])
        .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    )
  }
  return value
}

apiSuite('OS-TRUST against Keystone 22', (api) => {
  test('every golden case answers Keystone’s status and body', async () => {
    const { ids } = await trustWorld(api())
    const now = api().env.clock.now()
    const names: Record<string, string> = {
      ...ids,
      future: keystoneTime(now + 3_600_000, '.123456'),
      past: keystoneTime(now - 3_600_000, ''),
    }
    const ours = new Map<string, string>()
    const theirs = new Map<string, string>()
    for (const [name, id] of Object.entries(ids)) ours.set(id, name)
    for (const [name, id] of Object.entries(golden.ids)) theirs.set(id, name)
    for (const c of golden.cases) {
      const res = await api().call(c.method, String(substitute(c.path, names)), {
        token: c.caller,
        ...(c.body === null ? {} : { body: substitute(c.body, names) }),
      })
      if (c.method === 'POST' && res.status === 201) {
        names[`trust:${c.label}`] = res.json.trust.id
        ours.set(res.json.trust.id, `trust:${c.label}`)
      }
      const id = golden.trusts[c.label]
      if (id !== undefined) theirs.set(id, `trust:${c.label}`)
      assert.equal(res.status, c.response.status, `${c.label}: ${res.body}`)
      assert.deepEqual(
        normalize(res.json ?? null, ours),
        normalize(c.response.body, theirs),
        c.label,
      )
    }
  })
})
