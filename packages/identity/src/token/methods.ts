/**
 * The auth-methods bitmask stored in every payload (keystone/auth/plugins/core.py).
 *
 * The 1st configured `[auth] methods` entry is bit 1, the 2nd bit 2, the 3rd bit 4...; names not
 * configured contribute 0 and are lost. Every node sharing a key repository must therefore list the
 * same methods in the same order. Keystone 22 as shipped by Debian (22.0.2-0+deb12u4 onwards, the
 * CVE-2026-80182 fix) also pins two methods that are not auth plugins to fixed high bits, so they
 * survive the round trip: `ec2credential` = 2^32 and `oauth2_credential` = 2^33.
 * @module
 */

import { trueDivide } from './py_division.ts'

const TWO_POW_53 = 2n ** 53n

/** keystone/conf/constants.py `_DEFAULT_AUTH_METHODS`, in bitmask order. */
export const DEFAULT_AUTH_METHODS: readonly string[] = Object.freeze([
  'external',
  'password',
  'token',
  'oauth1',
  'mapped',
  'application_credential',
])

/** keystone/auth/plugins/core.py `_PSEUDO_METHOD_BITS` (Debian keystone 22 security update). */
export const PSEUDO_METHOD_BITS: ReadonlyMap<bigint, string> = new Map([
  [1n << 32n, 'ec2credential'],
  [1n << 33n, 'oauth2_credential'],
])

export class MethodCodec {
  /** bit -> name, like keystone's `construct_method_map_from_config()` dict. */
  readonly #map: ReadonlyMap<bigint, string>
  readonly #bitsHighFirst: readonly bigint[]
  /** The same bits as doubles with their names, when every bit is at most 2^53 (see `decode`). */
  readonly #smallBits: readonly (readonly [bit: number, name: string])[] | undefined

  constructor(configured: readonly string[] = DEFAULT_AUTH_METHODS) {
    const map = new Map<bigint, string>()
    let bit = 1n
    for (const name of configured) {
      map.set(bit, name)
      bit *= 2n
    }
    // dict.update: a pseudo bit replaces a configured method at the same index (33+ methods).
    for (const [pseudoBit, name] of PSEUDO_METHOD_BITS) map.set(pseudoBit, name)
    this.#map = map
    this.#bitsHighFirst = [...map.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    this.#smallBits = this.#bitsHighFirst.every((b) => b <= TWO_POW_53)
      ? this.#bitsHighFirst.map((b) => [Number(b), map.get(b) ?? ''] as const)
      : undefined
  }

  /** `convert_method_list_to_integer`: the sum of every bit whose name matches, duplicates too. */
  encode(methods: readonly string[]): bigint {
    let sum = 0n
    for (const method of methods) {
      for (const [bit, name] of this.#map) if (name === method) sum += bit
    }
    return sum
  }

  /**
   * `convert_integer_to_method_list`: walk the bits high to low, take a bit when
   * `int(method_int / bit) == 1` (float division) and subtract it. The result is highest bit first,
   * and a value carrying a bit above the configured ones decodes to fewer names (66 -> []).
   */
  decode(value: bigint): string[] {
    if (value === 0n) return []
    const small = this.#smallBits
    if (small !== undefined && value >= -TWO_POW_53 && value <= TWO_POW_53) {
      return decodeSmall(Number(value), small)
    }
    const methods: string[] = []
    let rest = value
    for (const bit of this.#bitsHighFirst) {
      if (Math.trunc(trueDivide(rest, bit)) === 1) {
        methods.push(this.#map.get(bit) ?? '')
        rest -= bit
      }
    }
    return methods
  }
}

/**
 * `MethodCodec.decode` in doubles: every operand is an integer of at most 2^53 and the bits are
 * powers of two, so each quotient and difference is exact, as trueDivide's own fast path is.
 */
function decodeSmall(value: number, bits: readonly (readonly [number, string])[]): string[] {
  const methods: string[] = []
  let rest = value
  for (const [bit, name] of bits) {
    if (Math.trunc(rest / bit) === 1) {
      methods.push(name)
      rest -= bit
    }
  }
  return methods
}
