/**
 * The rotation-guard sidecar: when each key was created (staged), promoted and retired.
 * Keyed by fingerprint, so records survive keystone-manage renaming `0` to N in between.
 * @module
 */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HISTORY_FILE } from './key_files.ts'
import type { FernetLogger } from './logger.ts'

/** Times in ms since the epoch; absent = not recorded (e.g. another tool rotated). */
export type KeyRecord = { createdAt?: number; promotedAt?: number; retiredAt?: number }
export type KeyHistory = Map<string, KeyRecord>

const FORMAT = 'baton-key-history/1'
const FIELDS = ['createdAt', 'promotedAt', 'retiredAt'] as const

export function historyPath(dir: string): string {
  return join(dir, HISTORY_FILE)
}

/** A missing file is an empty history; an unreadable or corrupt one is too, with a warning. */
export function readHistory(dir: string, logger: FernetLogger): KeyHistory {
  const path = historyPath(dir)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
      logger.warn(`cannot read key history ${path}; treating every key's history as unknown`)
    }
    return new Map()
  }
  try {
    return parseHistory(JSON.parse(text))
  } catch {
    logger.warn(`key history ${path} is corrupt; treating every key's history as unknown`)
    return new Map()
  }
}

function parseHistory(document: unknown): KeyHistory {
  if (!isObject(document) || document.format !== FORMAT || !isObject(document.keys)) {
    throw new Error('unrecognised key history format')
  }
  const history: KeyHistory = new Map()
  for (const [fingerprint, entry] of Object.entries(document.keys)) {
    if (!isObject(entry)) continue
    const record: KeyRecord = {}
    for (const field of FIELDS) {
      const value = entry[field]
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN
      if (Number.isFinite(time)) record[field] = time
    }
    history.set(fingerprint, record)
  }
  return history
}

/** Serialises only the records of keys still in the repository, with ISO times for humans. */
export function serializeHistory(history: KeyHistory, fingerprints: readonly string[]): string {
  const keys: Record<string, Record<string, string>> = {}
  for (const fingerprint of fingerprints) {
    const record = history.get(fingerprint)
    if (record === undefined) continue
    const entry: Record<string, string> = {}
    for (const field of FIELDS) {
      const time = record[field]
      if (time !== undefined) entry[field] = new Date(time).toISOString()
    }
    keys[fingerprint] = entry
  }
  return `${JSON.stringify({ format: FORMAT, keys }, null, 2)}\n`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
