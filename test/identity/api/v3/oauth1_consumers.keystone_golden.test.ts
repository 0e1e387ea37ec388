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
type Golden = { ids: Record<string, string>; consumers: Record<string, string>; cases: Case[] }

const golden: Golden = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_consumers.json', import.meta.url), 'utf8'),
)

function substitute(value: unknown, consumers: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{consumer:([a-z_]+)\}/g, (_, key: string) => consumers[key] ?? 'none')
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, consumers))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, consumers)]))
  }
  return value
}

/**
 * IDs become their labels, secrets `<secret>`, hosts and times placeholders; lists sorted;
 * messages cut at \n\n (Keystone appends jsonschema's dump of the schema).
 */
function normalize(value: unknown, byId: Map<string, string>, key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'secret' && /^[0-9a-f]{32}$/.test(value)) return '<secret>'
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
        .map(([k, v]) => [k, normalize(v, byId, k)])
        .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    )
  }
  return value
}

apiSuite('OS-OAUTH1 consumers against Keystone 22', (api) => {
  test('every golden case answers Keystone’s status and body', async () => {
    await trustWorld(api())
    const consumers: Record<string, string> = {}
    const ours = new Map<string, string>()
    const theirs = new Map<string, string>()
    for (const [label, id] of Object.entries(golden.consumers)) theirs.set(id, `consumer:${label}`)
    for (const c of golden.cases) {
      const res = await api().call(c.method, String(substitute(c.path, consumers)), {
        token: c.caller,
        ...(c.body === null ? {} : { body: substitute(c.body, consumers) }),
      })
      if (c.method === 'POST' && res.status === 201) {
        consumers[c.label] = res.json.consumer.id
        ours.set(res.json.consumer.id, `consumer:${c.label}`)
      }
      assert.equal(res.status, c.response.status, `${c.label}: ${res.body}`)
      assert.deepEqual(
        normalize(res.json ?? null, ours),
        normalize(c.response.body, theirs),
        c.label,
      )
    }
  })
})
