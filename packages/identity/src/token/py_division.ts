/**
 * Python's `int / int` (true division): the exact quotient rounded once to the nearest float64,
 * ties to even. JavaScript's `Number(a) / Number(b)` rounds twice once an operand passes 2^53, and
 * Keystone divides big ints in two places: `timedelta.total_seconds()` (microseconds / 10**6, for
 * expires_at) and the method bitmask walk (`int(method_int / m_int)`).
 * @module
 */

const TWO_POW_53 = 1n << 53n

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length
}

/** `numerator / denominator` as CPython computes it for ints (denominator must not be 0). */
export function trueDivide(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError('division by zero')
  const negative = numerator < 0n !== denominator < 0n
  const a = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  if (a === 0n) return 0
  // Both exact as doubles: IEEE division is correctly rounded already.
  if (a <= TWO_POW_53 && d <= TWO_POW_53) return (negative ? -1 : 1) * (Number(a) / Number(d))
  // Scale so the integer quotient carries 55-56 bits, then round to 53 with a sticky remainder.
  const shift = 55 - (bitLength(a) - bitLength(d))
  const num = shift >= 0 ? a << BigInt(shift) : a
  const den = shift >= 0 ? d : d << BigInt(-shift)
  let q = num / den
  const sticky = num % den !== 0n
  const extra = bitLength(q) - 53
  const low = q & ((1n << BigInt(extra)) - 1n)
  const half = 1n << BigInt(extra - 1)
  q >>= BigInt(extra)
  if (low > half || (low === half && (sticky || (q & 1n) === 1n))) q += 1n
  const magnitude = Number(q) * 2 ** (extra - shift)
  return negative ? -magnitude : magnitude
}
