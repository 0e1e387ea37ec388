/**
 * `/metrics` of a real `baton serve identity` with `[DEFAULT] workers = 2`: whichever worker a
 * scrape reaches answers with the sum over both (the primary aggregates with prom-client's
 * AggregatorRegistry over the cluster channel), the shared-state gauges are not doubled, and with
 * one worker stopped (SIGSTOP) the scrape that reaches the other still answers, with its own
 * figures under a comment saying the aggregate did not come, instead of hanging.
 * @module
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { after, before, test } from 'node:test'
import { type IdentityProcess, startIdentity } from '../../interop/identity_process.ts'
import { freshRequest } from '../../interop/support/write_burst.ts'

let identity: IdentityProcess
let workers: number[] = []

before(async () => {
  identity = await startIdentity(['[DEFAULT]', 'workers = 2', '[metrics]', 'enabled = true'])
  // the supervisor's children: its two workers (both answer once /v3 answered twice in a row)
  const deadline = Date.now() + 20_000
  while (workers.length < 2) {
    assert.ok(Date.now() < deadline, 'two workers')
    const children = readFileSync(`/proc/${identity.pid}/task/${identity.pid}/children`, 'utf8')
    workers = children.trim().split(/\s+/).filter(Boolean).map(Number)
    if (workers.length < 2) await new Promise((resolve) => setTimeout(resolve, 100))
  }
})
after(async () => {
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGCONT')
    } catch {
      // already gone
    }
  }
  await identity?.stop()
})

/** One scrape on a connection of its own (the cluster hands connections out in turn). */
function scrape(timeoutMs: number): Promise<{ status: number; text: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(`${identity.url}/metrics`, { agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() })
      })
    })
    const timer = setTimeout(() => {
      req.destroy()
      resolve(undefined)
    }, timeoutMs)
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1))
  }
  return undefined
}

const V3_OK = 'baton_http_requests_total{method="GET",route="/v3",status="200"}'
/** GET /v3 answered so far, over both workers (start-up probes included). */
let total = 0

test('every scrape, whichever worker answers it, shows the sum over both workers', async () => {
  const before = sample((await scrape(15_000))?.text ?? '', V3_OK) ?? 0
  total = before + 20
  for (let i = 0; i < 20; i++) {
    assert.equal((await freshRequest(identity.url, 'GET', '/v3')).status, 200)
  }
  const keyFiles = readdirSync(identity.keyRepository).filter((f) => /^\d+$/.test(f)).length
  for (let i = 0; i < 4; i++) {
    const res = await scrape(15_000)
    assert.equal(res?.status, 200)
    const text = res?.text ?? ''
    assert.doesNotMatch(text, /^# baton: no aggregate/m)
    assert.doesNotMatch(text, /worker="/, 'one series per label set, not one per worker')
    // the 20 requests were shared out between the workers; each scrape counts all of them
    assert.equal(sample(text, V3_OK), total, `scrape ${i}`)
    // the key repository is one: its gauges are not summed over the workers
    assert.equal(sample(text, 'baton_fernet_keys'), keyFiles)
  }
})

test('with one worker stopped, the other answers with its own figures and says so', async (t) => {
  const [stopped] = workers
  assert.ok(stopped !== undefined)
  process.kill(stopped, 'SIGSTOP')
  try {
    // connections handed to the stopped worker hang: give each a few seconds, then try again
    let answered: { status: number; text: string } | undefined
    for (let i = 0; i < 6 && answered === undefined; i++) answered = await scrape(6000)
    assert.equal(answered?.status, 200)
    const text = answered?.text ?? ''
    t.diagnostic(text.split('\n')[0] ?? '')
    assert.match(
      text,
      /^# baton: no aggregate of all workers \(the primary did not answer within 3000 ms\); these are worker \d+'s own figures\n/,
    )
    const own = sample(text, V3_OK) ?? 0
    assert.ok(own > 0 && own < total, `one worker's share of the ${total}: ${own}`)
  } finally {
    process.kill(stopped, 'SIGCONT')
  }
  // back to normal: the aggregate again
  const res = await scrape(15_000)
  assert.doesNotMatch(res?.text ?? '', /^# baton: no aggregate/m)
  assert.equal(sample(res?.text ?? '', V3_OK), total)
})
