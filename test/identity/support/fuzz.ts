/**
 * Fuzzing helpers: a seeded PRNG (mulberry32) and a checker that a decoded token is well typed.
 * @module
 */

import assert from 'node:assert/strict'
import {
  DEFAULT_AUTH_METHODS,
  type DecodedToken,
  KeystoneError,
  PSEUDO_METHOD_BITS,
  TokenNotFound,
} from '../../../packages/identity/src/index.ts'

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256))
  }
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000000Z$/
const AUDIT = /^[A-Za-z0-9_-]{22}$/
const HEX32 = /^[0-9a-f]{32}$/
const METHODS = new Set([...DEFAULT_AUTH_METHODS, ...PSEUDO_METHOD_BITS.values()])

const optionalString = (v: unknown): boolean => v === null || typeof v === 'string'

/** Every accepted token must be fully typed and consistent with its payload version. */
export function assertWellTyped(d: DecodedToken): void {
  assert.ok(Number.isInteger(d.version) && d.version >= 0 && d.version <= 10)
  assert.equal(typeof d.userId, 'string')
  assert.ok(Array.isArray(d.methods) && d.methods.every((m) => METHODS.has(m)))
  for (const key of [
    'projectId',
    'domainId',
    'system',
    'trustId',
    'appCredId',
    'identityProviderId',
    'protocolId',
    'accessTokenId',
    'thumbprint',
  ] as const) {
    assert.ok(optionalString(d[key]), key)
  }
  assert.ok(
    d.federatedGroupIds === null ||
      (Array.isArray(d.federatedGroupIds) &&
        d.federatedGroupIds.every((g) => typeof g === 'string')),
  )
  assert.ok(
    d.auditIds.length >= 1 && d.auditIds.length <= 2 && d.auditIds.every((a) => AUDIT.test(a)),
  )
  assert.match(d.expiresAt, TIME)
  assert.match(d.issuedAt, TIME)
  const federated = d.version >= 4 && d.version <= 6
  assert.equal(d.federatedGroupIds !== null, federated)
  assert.equal(typeof d.protocolId === 'string', federated)
  assert.equal(d.trustId !== null, d.version === 3)
  if (d.trustId !== null) assert.match(d.trustId, HEX32)
  assert.equal(d.system !== null, d.version === 8)
  assert.ok(d.appCredId === null || d.version === 9)
  assert.ok(d.accessTokenId === null || d.version === 7)
  assert.ok(d.thumbprint === null || d.version === 10)
  if (d.version === 1) assert.ok(d.domainId === 'default' || HEX32.test(d.domainId ?? ''))
}

/** Runs validation; returns the token or 'rejected', failing on anything but TokenNotFound. */
export function validateOrReject(
  validate: (token: string) => DecodedToken,
  token: string,
): DecodedToken | 'rejected' {
  try {
    const decoded = validate(token)
    assertWellTyped(decoded)
    return decoded
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error
    assert.ok(error instanceof KeystoneError, `threw a non-Keystone error: ${String(error)}`)
    assert.ok(error instanceof TokenNotFound, `threw ${error.name}`)
    assert.match(
      error.message,
      /^(Could not recognize Fernet token|This is not a recognized Fernet payload version: -?\d+)$/,
    )
    return 'rejected'
  }
}
