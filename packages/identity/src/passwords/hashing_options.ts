/**
 * The settings password hashing reads, named after their keystone.conf options, and their
 * resolution into concrete parameters with Keystone 22's semantics: an unset (or 0) option means
 * "passlib's default for the algorithm", and out-of-range values fail as passlib's `using()` does.
 * Option parsing itself belongs to the identity options module; this only interprets values.
 * @module
 */

import { PasswordHashConfigError } from '../errors.ts'

/**
 * `[identity] password_hash_algorithm`. Keystone 22 offers bcrypt, scrypt and pbkdf2_sha512;
 * bcrypt_sha256 is upstream Keystone's later addition (Keystone 22 cannot read those hashes).
 */
export const PASSWORD_HASH_ALGORITHMS = [
  'bcrypt',
  'bcrypt_sha256',
  'scrypt',
  'pbkdf2_sha512',
] as const
export type PasswordHashAlgorithm = (typeof PASSWORD_HASH_ALGORITHMS)[number]

/** What the length rule needs; also what verifying needs, since Keystone applies it there too. */
export interface PasswordLengthOptions {
  /** `[identity] password_hash_algorithm` (default bcrypt): only bcrypt imposes its 72 bytes. */
  algorithm?: PasswordHashAlgorithm | undefined
  /** `[identity] max_password_length` in UTF-8 bytes (default 4096, Keystone's maximum too). */
  maxPasswordLength?: number | undefined
  /** `[DEFAULT] strict_password_check` (default false): reject over-long passwords (403). */
  strictPasswordCheck?: boolean | undefined
}

export interface HashPasswordOptions extends PasswordLengthOptions {
  algorithm: PasswordHashAlgorithm
  /** `[identity] password_hash_rounds`: bcrypt cost, scrypt log2(N), or pbkdf2 iterations. */
  rounds?: number | undefined
  /** `[identity] salt_bytesize`: salt length for scrypt and pbkdf2_sha512 (default 16). */
  saltBytes?: number | undefined
  /** `[identity] scrypt_block_size`: scrypt `r` (default 8). */
  scryptBlockSize?: number | undefined
  /** `[identity] scrypt_parallelism`: scrypt `p` (default 1). */
  scryptParallelism?: number | undefined
}

/**
 * What an unconfigured Keystone 22 writes: passlib 1.7.4's defaults. Keystone's help text says
 * pbkdf2_sha512 uses 60000, but it passes no rounds and passlib's default is 25000 (checked against
 * the installed hash_password).
 */
export const KEYSTONE_DEFAULT_ROUNDS: Readonly<Record<PasswordHashAlgorithm, number>> = {
  bcrypt: 12,
  bcrypt_sha256: 12,
  scrypt: 16,
  pbkdf2_sha512: 25000,
}

export const DEFAULT_SALT_BYTES = 16
export const DEFAULT_SCRYPT_BLOCK_SIZE = 8
export const DEFAULT_SCRYPT_PARALLELISM = 1

/** passlib's bounds (HasRounds min/max_rounds, max_salt_size); Keystone passes values through. */
export const BCRYPT_ROUNDS = { min: 4, max: 31 } as const
export const SCRYPT_ROUNDS = { min: 1, max: 31 } as const
/** passlib allows up to 2**32-1; node:crypto stops at 2**31-1 (either would take hours). */
export const PBKDF2_ROUNDS = { min: 1, max: 2 ** 31 - 1 } as const
export const MAX_SALT_BYTES = 1024

/**
 * Baton's ceiling on scrypt memory (128·r·(N+p+2) bytes). Keystone's own bounds allow ln=31 (256
 * GiB at r=8); refusing more than this keeps one garbled or hostile hash from exhausting memory.
 */
export const SCRYPT_MAX_MEMORY = 2 ** 31

export type HashParams =
  | { algorithm: 'bcrypt' | 'bcrypt_sha256'; rounds: number }
  | {
      algorithm: 'scrypt'
      rounds: number
      blockSize: number
      parallelism: number
      saltBytes: number
    }
  | { algorithm: 'pbkdf2_sha512'; rounds: number; saltBytes: number }

/** Keystone tests these options for truthiness, so 0 means "unset" as well. */
function orDefault(value: number | undefined, fallback: number): number {
  return value === undefined || value === 0 ? fallback : value
}

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new PasswordHashConfigError(`${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

/** Memory OpenSSL's scrypt needs: V is 128·r·(N+2) bytes, B is 128·r·p. */
export function scryptMemory(logN: number, r: number, p: number): number {
  return 128 * r * (2 ** logN + 2 + p)
}

/** passlib.crypto.scrypt.validate's rules, plus Baton's memory ceiling; returns a reason or null. */
export function scryptParamsProblem(logN: number, r: number, p: number): string | null {
  if (logN < SCRYPT_ROUNDS.min || logN > SCRYPT_ROUNDS.max) return 'log2(N) out of range'
  if (r < 1 || p < 1) return 'r and p must be positive'
  if (r * p >= 2 ** 30) return 'r * p must be below 2**30'
  if (scryptMemory(logN, r, p) > SCRYPT_MAX_MEMORY) return 'needs more memory than Baton allows'
  return null
}

/** Turns the options into what the hasher runs with; throws PasswordHashConfigError. */
export function resolveHashParams(options: HashPasswordOptions): HashParams {
  const { algorithm } = options
  if (!(PASSWORD_HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
    // keystone's message for the same mistake (hash_password's RuntimeError)
    throw new PasswordHashConfigError(`Password Hash Algorithm ${String(algorithm)} not found`)
  }
  const rounds = orDefault(options.rounds, KEYSTONE_DEFAULT_ROUNDS[algorithm])
  const saltBytes = inRange(
    'salt_bytesize',
    orDefault(options.saltBytes, DEFAULT_SALT_BYTES),
    0,
    MAX_SALT_BYTES,
  )
  switch (algorithm) {
    case 'bcrypt':
    case 'bcrypt_sha256':
      return {
        algorithm,
        rounds: inRange('password_hash_rounds', rounds, BCRYPT_ROUNDS.min, BCRYPT_ROUNDS.max),
      }
    case 'scrypt': {
      inRange('password_hash_rounds', rounds, SCRYPT_ROUNDS.min, SCRYPT_ROUNDS.max)
      const blockSize = inRange(
        'scrypt_block_size',
        orDefault(options.scryptBlockSize, DEFAULT_SCRYPT_BLOCK_SIZE),
        1,
        2 ** 30,
      )
      const parallelism = inRange(
        'scrypt_parallelism',
        orDefault(options.scryptParallelism, DEFAULT_SCRYPT_PARALLELISM),
        1,
        2 ** 30,
      )
      const problem = scryptParamsProblem(rounds, blockSize, parallelism)
      if (problem !== null) throw new PasswordHashConfigError(`scrypt settings: ${problem}`)
      return { algorithm, rounds, blockSize, parallelism, saltBytes }
    }
    case 'pbkdf2_sha512':
      return {
        algorithm,
        rounds: inRange('password_hash_rounds', rounds, PBKDF2_ROUNDS.min, PBKDF2_ROUNDS.max),
        saltBytes,
      }
  }
}
