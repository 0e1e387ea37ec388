/**
 * Cold runs: every request carries a token (and a user and project) the server has not seen, so
 * each one misses every cache the server keeps per token, user or scope and goes to the database.
 * wrk cannot send a finite list once, so these use fetch with a fixed number of requests in
 * flight; the same client drives both servers being compared.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { WatchedKeyRepository } from '@baton/fernet'
import { DEFAULT_AUTH_METHODS, TokenFormatter } from '@baton/identity'
import type { Measured } from './compare.ts'
import { median } from './results.ts'
import type { PoolMember } from './seed.ts'
import type { WrkRequest } from './wrk.ts'

/** One project-scoped password token per pool member, minted with the server's own keys. */
export function mintPoolTokens(keyRepository: string, pool: readonly PoolMember[]): string[] {
  const keys = new WatchedKeyRepository(keyRepository, { logger: { warn() {} }, watch: false })
  try {
    const formatter = new TokenFormatter({
      keys,
      methods: [...DEFAULT_AUTH_METHODS],
      defaultDomainId: 'default',
    })
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace('Z', '000Z')
    return pool.map(
      (member) =>
        formatter.createToken({
          userId: member.userId,
          methods: ['password'],
          expiresAt,
          auditIds: [randomBytes(16).toString('base64url')],
          projectId: member.projectId,
        }).token,
    )
  } finally {
    keys.close()
  }
}

/**
 * Sends each request at most once, `concurrency` at a time, until all are answered or
 * `maxSeconds` have passed (a slow server must not stretch the run); any non-2xx answer fails it.
 */
export async function runCold(
  label: string,
  requests: readonly WrkRequest[],
  concurrency: number,
  maxSeconds: number,
): Promise<{ rps: number; p99Ms: number }> {
  const latencies: number[] = []
  let next = 0
  const deadline = performance.now() + maxSeconds * 1000
  const worker = async () => {
    while (next < requests.length && performance.now() < deadline) {
      const request = requests[next++]
      if (request === undefined) return
      const sent = performance.now()
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(30_000),
      })
      await res.arrayBuffer()
      if (res.status >= 300) throw new Error(`${label}: a cold request answered ${res.status}`)
      latencies.push(performance.now() - sent)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0
  return { rps: latencies.length / seconds, p99Ms: Math.round(p99 * 10) / 10 }
}

export type ColdContender = { readonly label: string; readonly requests: readonly WrkRequest[] }

/**
 * Alternating cold rounds: each contender's requests are split into `rounds` chunks, and round r
 * sends chunk r to every contender (order rotating), so no request is ever repeated.
 */
export async function measureColdAlternating(
  contenders: readonly ColdContender[],
  settings: { readonly rounds: number; readonly concurrency: number; readonly maxSeconds: number },
  log: (line: string) => void,
): Promise<Measured[]> {
  const { rounds, concurrency, maxSeconds } = settings
  const rates = contenders.map((): number[] => [])
  const p99s = contenders.map((): number[] => [])
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length
      const c = contenders[i]
      if (c === undefined) continue
      const size = Math.floor(c.requests.length / rounds)
      const chunk = c.requests.slice(round * size, (round + 1) * size)
      const result = await runCold(c.label, chunk, concurrency, maxSeconds)
      rates[i]?.push(result.rps)
      p99s[i]?.push(result.p99Ms)
      log(`  ${c.label} (cold): ${Math.round(result.rps)} req/s, p99 ${result.p99Ms} ms`)
    }
  }
  return contenders.map((c, i) => ({
    label: c.label,
    rps: median(rates[i] ?? []),
    p99Ms: median(p99s[i] ?? []),
    runs: [],
  }))
}
