/**
 * Shared test helpers for the fernet tests: the spec's test vectors, temporary repositories, a
 * recording logger, a settable clock and directory snapshots.
 * @module
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '@baton/config'
import type { FernetLogger } from '../../packages/fernet/src/index.ts'

export type RecordingLogger = FernetLogger & { warnings: string[]; infos: string[] }

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = []
  const infos: string[] = []
  return {
    warnings,
    infos,
    warn: (message) => warnings.push(message),
    info: (message) => infos.push(message),
  }
}

export type TestClock = Clock & { advance(ms: number): void }

export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let now = start
  return {
    now: () => now,
    advance: (ms) => {
      now += ms
    },
  }
}

/** A fresh parent directory; the repository path inside it does not exist yet. */
export function tempRepository(): { path: string; cleanup(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'baton-fernet-'))
  return {
    path: join(parent, 'fernet-keys'),
    cleanup: () => rmSync(parent, { recursive: true, force: true }),
  }
}

/** Every entry name → content (for files), to prove a failed operation changed nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    out[name] = statSync(path).isFile() ? readFileSync(path, 'utf8') : '<dir>'
  }
  return out
}

/** Numeric key file names, sorted ascending like keystone's test helper. */
export function keyNumbers(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b)
}

export const HOUR = 3600
export const MS = 1000

export type GenerateCase = { token: string; now: string; iv: number[]; src: string; secret: string }
export type VerifyCase = {
  token: string
  now: string
  ttl_sec: number
  src: string
  secret: string
}
export type InvalidCase = {
  desc: string
  token: string
  now: string
  ttl_sec: number
  secret: string
}

/** One file of the Fernet spec's vectors, vendored byte for byte in fixtures/spec/ (see its README). */
export function vectors<T>(name: string): T[] {
  const url = new URL(`./fixtures/spec/${name}`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as T[]
}

/** A vector's RFC 3339 `now` as unix seconds. */
export const seconds = (rfc3339: string): number => Date.parse(rfc3339) / 1000
