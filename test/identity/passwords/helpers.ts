/**
 * Shared helpers for the password tests: the golden fixtures and an event-loop tick counter. The
 * real Keystone lives in keystone_check.ts, so that importing these helpers starts no process.
 * @module
 */

import { readFileSync } from 'node:fs'
import type { PasswordLengthOptions } from '../../../packages/identity/src/passwords/index.ts'

export type KeystoneAnswer =
  | { ok: boolean }
  | { error: 'PasswordVerificationError'; message: string; status: number }
  | { error: 'ValueError'; message: string }

export type FixtureCheck = {
  password: string
  config: PasswordLengthOptions
  expect: KeystoneAnswer
}
export type FixtureCase = { name: string; source: string; hash: string; checks: FixtureCheck[] }
export type Fixtures = {
  generator: string
  keystone: string
  passlib: string
  cases: FixtureCase[]
}

export function loadFixtures(): Fixtures {
  const url = new URL('./fixtures/passlib_hashes.json', import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as Fixtures
}

/**
 * Runs `work` while a 5 ms interval ticks; returns the ticks seen and the number an idle loop
 * would have seen in the same time.
 */
export async function ticksDuring(work: () => Promise<unknown>): Promise<{
  ticks: number
  ideal: number
  ms: number
}> {
  const intervalMs = 5
  let ticks = 0
  const timer = setInterval(() => {
    ticks++
  }, intervalMs)
  const started = performance.now()
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  const ms = performance.now() - started
  return { ticks, ideal: Math.floor(ms / intervalMs), ms }
}
