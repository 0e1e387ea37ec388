/**
 * Shared helpers for the password tests: the golden fixtures, the real Keystone (through Debian's
 * /usr/bin/python3, never a pyenv one) and an event-loop tick counter.
 * @module
 */

import { spawnSync } from 'node:child_process'
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

const PYTHON = '/usr/bin/python3'
const CHECKER = new URL('./fixtures/keystone_check_password.py', import.meta.url).pathname

/** `false`, or why the live Keystone tests are skipped. */
export const keystoneMissing: false | string =
  spawnSync(PYTHON, ['-c', 'import keystone.common.password_hashing'], { stdio: 'ignore' })
    .status === 0
    ? false
    : 'python3-keystone (Debian) is not installed: cannot ask Keystone to verify Baton hashes'

/** Runs keystone_check_password.py: Keystone's own answer for each (password, hash, config). */
export function keystoneCheck(
  checks: { password: string; hash: string; config: PasswordLengthOptions }[],
): KeystoneAnswer[] {
  const run = spawnSync(PYTHON, [CHECKER], {
    input: JSON.stringify({ checks }),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  if (run.status !== 0) throw new Error(`keystone_check_password.py failed: ${run.stderr}`)
  return (JSON.parse(run.stdout) as { results: KeystoneAnswer[] }).results
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
