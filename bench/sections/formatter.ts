/**
 * Section 1, in-process token validation: Fernet decrypt + msgpack payload decode per second on
 * one core, Baton's TokenFormatter (keys from a WatchedKeyRepository, as the server holds them)
 * against Keystone 22's own TokenFormatter (bench/keystone_formatter.py) on the same tokens, in
 * alternating rounds. Keystone's formatter as shipped re-reads the key repository per token; that
 * rate is reported too, but the target is held against its keys-loaded-once rate.
 * @module
 */
import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setupKeyRepository, WatchedKeyRepository } from '@baton/fernet'
import { DEFAULT_AUTH_METHODS, TokenFormatter } from '@baton/identity'
import { type BenchContext, SectionSkipped } from '../lib/context.ts'
import { type Figure, median, ratioFigure } from '../lib/results.ts'

const PYTHON = '/usr/bin/python3'
const SCRIPT = new URL('../keystone_formatter.py', import.meta.url).pathname

type KeystoneRates = {
  keys_loaded_once_per_s: number
  as_shipped_per_s: number
  first: { user_id: string; project_id: string | null }
}

const hex = () => randomUUID().replaceAll('-', '')

/** Project-scoped password tokens: what services validate all day. */
function issueTokens(formatter: TokenFormatter, count: number) {
  const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace('Z', '000Z')
  return Array.from({ length: count }, () => {
    const fields = {
      userId: hex(),
      methods: ['password'],
      expiresAt,
      auditIds: [randomBytes(16).toString('base64url')],
      projectId: hex(),
    }
    return { token: formatter.createToken(fields).token, fields }
  })
}

function batonRate(formatter: TokenFormatter, tokens: readonly string[], seconds: number): number {
  let done = 0
  let i = 0
  const start = performance.now()
  const deadline = start + seconds * 1000
  for (;;) {
    for (let k = 0; k < 50; k++) {
      formatter.validateToken(tokens[i] ?? '')
      i = (i + 1) % tokens.length
    }
    done += 50
    const now = performance.now()
    if (now >= deadline) return (done * 1000) / (now - start)
  }
}

function keystoneRates(keyDir: string, tokensPath: string, seconds: number) {
  return new Promise<KeystoneRates>((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT, keyDir, tokensPath, String(seconds)],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`keystone_formatter.py failed: ${stderr.trim().split('\n').at(-1)}`))
          return
        }
        resolve(JSON.parse(stdout) as KeystoneRates)
      },
    )
  })
}

export async function formatterSection(ctx: BenchContext): Promise<Figure[]> {
  if (ctx.availability.keystone !== null) throw new SectionSkipped(ctx.availability.keystone)
  const { formatterSeconds, formatterTokens, rounds } = ctx.options
  const keyDir = join(ctx.scratch, 'formatter-keys')
  setupKeyRepository({ path: keyDir, maxActiveKeys: 3, logger: { info() {}, warn() {} } })
  const keys = new WatchedKeyRepository(keyDir, { logger: { info() {}, warn() {} } })
  try {
    const formatter = new TokenFormatter({
      keys,
      methods: [...DEFAULT_AUTH_METHODS],
      defaultDomainId: 'default',
    })
    const issued = issueTokens(formatter, formatterTokens)
    const tokens = issued.map((t) => t.token)
    const tokensPath = join(ctx.scratch, 'formatter-tokens.json')
    writeFileSync(tokensPath, JSON.stringify(tokens), { mode: 0o600 })
    batonRate(formatter, tokens, Math.min(formatterSeconds, 0.3)) // JIT warm-up
    const baton: number[] = []
    const cached: number[] = []
    const shipped: number[] = []
    for (let round = 0; round < rounds; round++) {
      const ks = await keystoneRates(keyDir, tokensPath, formatterSeconds)
      if (ks.first.user_id !== issued[0]?.fields.userId) {
        throw new Error('Keystone decoded a different user_id from the same token')
      }
      cached.push(ks.keys_loaded_once_per_s)
      shipped.push(ks.as_shipped_per_s)
      baton.push(batonRate(formatter, tokens, formatterSeconds))
      ctx.log(
        `  Baton ${Math.round(baton.at(-1) ?? 0)}/s, Keystone ${Math.round(ks.keys_loaded_once_per_s)}/s ` +
          `(as shipped ${Math.round(ks.as_shipped_per_s)}/s)`,
      )
    }
    const subject = { label: 'Baton', value: Math.round(median(baton)), unit: 'tokens/s' }
    return [
      ratioFigure({
        id: 'formatter.vs_keystone',
        title: 'decrypt + decode vs Keystone TokenFormatter',
        subject,
        baseline: { label: 'Keystone', value: Math.round(median(cached)), unit: 'tokens/s' },
        target: { op: '>=', value: 5 },
        note:
          `${formatterTokens} project-scoped tokens cycled; both sides hold their keys in memory ` +
          '(Keystone via a TokenFormatter subclass whose crypto property is built once).',
      }),
      ratioFigure({
        id: 'formatter.vs_keystone_as_shipped',
        title: 'same, Keystone as shipped (keys re-read per token)',
        subject,
        baseline: { label: 'Keystone', value: Math.round(median(shipped)), unit: 'tokens/s' },
      }),
    ]
  } finally {
    keys.close()
  }
}
