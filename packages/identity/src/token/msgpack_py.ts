/**
 * msgpack exactly as Python msgpack >= 1.0 writes and reads Keystone token payloads.
 *
 * Values carry Python's types so the bytes can match: `bigint` is a Python int, `number` a Python
 * float (always float64, `cb`, even when integral: expires_at is a float), `string` a str and
 * `Uint8Array` bytes. The decoder is strict: only what payloads use (no maps, no extension types,
 * bounded nesting, no trailing bytes).
 * @module
 */

import { ValidationError } from '../errors.ts'

export type PyValue = null | boolean | bigint | number | string | Uint8Array | readonly PyValue[]

/** A payload that no msgpack reader would take back, or a value Python could not pack. */
export class MsgpackFormatError extends ValidationError {}

/** raw=False met a str that is not UTF-8: Keystone retries with unpackb(raw=True). */
export class MsgpackUnicodeError extends MsgpackFormatError {}

const UINT64_END = 1n << 64n
const INT64_MIN = -(1n << 63n)
const utf8 = new TextEncoder()
// ignoreBOM: Python's utf-8 codec keeps a leading U+FEFF, so must we.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const LONE_SURROGATE = /\p{Surrogate}/u

class Writer {
  readonly bytes: number[] = []
  u8(...values: number[]): void {
    this.bytes.push(...values)
  }
  uint(value: bigint | number, size: 1 | 2 | 4 | 8): void {
    const v = BigInt(value)
    for (let shift = BigInt((size - 1) * 8); shift >= 0n; shift -= 8n) {
      this.bytes.push(Number((v >> shift) & 0xffn))
    }
  }
  raw(data: Uint8Array): void {
    for (const b of data) this.bytes.push(b)
  }
}

/** msgpack.packb(value) with msgpack-python >= 1.0 defaults (use_bin_type=True). */
export function packPy(value: PyValue): Uint8Array {
  const w = new Writer()
  write(w, value)
  return Uint8Array.from(w.bytes)
}

function write(w: Writer, v: PyValue): void {
  if (v === null) w.u8(0xc0)
  else if (typeof v === 'boolean') w.u8(v ? 0xc3 : 0xc2)
  else if (typeof v === 'bigint') writeInt(w, v)
  else if (typeof v === 'number') {
    const b = new DataView(new ArrayBuffer(8))
    b.setFloat64(0, v)
    w.u8(0xcb)
    w.raw(new Uint8Array(b.buffer))
  } else if (typeof v === 'string') {
    // Python's str.encode('utf-8') raises on lone surrogates; TextEncoder would write U+FFFD.
    if (LONE_SURROGATE.test(v)) throw new MsgpackFormatError('str holds a lone surrogate')
    const data = utf8.encode(v)
    writeHeader(w, data.length, 0xa0, 32, [0xd9, 0xda, 0xdb], 'str')
    w.raw(data)
  } else if (v instanceof Uint8Array) {
    // bin has no fix form; bin8 starts at length 0.
    writeHeader(w, v.length, 0, 0, [0xc4, 0xc5, 0xc6], 'bin')
    w.raw(v)
  } else {
    writeHeader(w, v.length, 0x90, 16, [null, 0xdc, 0xdd], 'array')
    for (const item of v) write(w, item)
  }
}

// msgpack-python picks the smallest form; non-negative ints are always unsigned (cc..cf).
const INT_FORMS: readonly (readonly [
  min: bigint,
  end: bigint,
  type: number,
  size: 1 | 2 | 4 | 8,
])[] = [
  [0n, 0x100n, 0xcc, 1],
  [0n, 0x10000n, 0xcd, 2],
  [0n, 0x100000000n, 0xce, 4],
  [0n, UINT64_END, 0xcf, 8],
  [-0x80n, 0n, 0xd0, 1],
  [-0x8000n, 0n, 0xd1, 2],
  [-0x80000000n, 0n, 0xd2, 4],
  [INT64_MIN, 0n, 0xd3, 8],
]

function writeInt(w: Writer, v: bigint): void {
  if (v >= -32n && v < 128n) {
    w.u8(Number(v & 0xffn)) // positive or negative fixint
    return
  }
  for (const [min, end, type, size] of INT_FORMS) {
    if (v >= min && v < end) {
      w.u8(type)
      w.uint(BigInt.asUintN(size * 8, v), size)
      return
    }
  }
  throw new MsgpackFormatError('int out of the 64-bit range msgpack can pack')
}

function writeHeader(
  w: Writer,
  length: number,
  fixBase: number,
  fixLimit: number,
  [one, two, four]: readonly [number | null, number, number],
  what: string,
): void {
  if (length < fixLimit) w.u8(fixBase | length)
  else if (one !== null && length < 0x100) w.u8(one, length)
  else if (length < 0x10000) {
    w.u8(two)
    w.uint(length, 2)
  } else if (length < 0x100000000) {
    w.u8(four)
    w.uint(length, 4)
  } else throw new MsgpackFormatError(`${what} too long to pack`)
}

export interface UnpackOptions {
  /** unpackb(raw=True): str comes back as bytes (payloads written by msgpack < 1.0). */
  readonly raw?: boolean
  /** Array nesting allowed; payloads use 3 (payload > group list > ID tuple). */
  readonly maxDepth?: number
}

/** msgpack.unpackb(data) restricted to the types Keystone payloads use. */
export function unpackPy(data: Uint8Array, options: UnpackOptions = {}): PyValue {
  const reader = new Reader(data, options.raw ?? false, options.maxDepth ?? 3)
  const value = reader.value(0)
  if (reader.pos !== data.length) {
    throw new MsgpackFormatError(`${data.length - reader.pos} bytes after the payload`)
  }
  return value
}

class Reader {
  pos = 0
  readonly data: Uint8Array
  readonly raw: boolean
  readonly maxDepth: number
  readonly #view: DataView

  constructor(data: Uint8Array, raw: boolean, maxDepth: number) {
    this.data = data
    this.raw = raw
    this.maxDepth = maxDepth
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  }

  #need(n: number): number {
    if (this.pos + n > this.data.length) {
      throw new MsgpackFormatError(`truncated at byte ${this.pos}`)
    }
    const at = this.pos
    this.pos += n
    return at
  }
  #u8(): number {
    return this.#view.getUint8(this.#need(1))
  }
  #u16(): number {
    return this.#view.getUint16(this.#need(2))
  }
  #u32(): number {
    return this.#view.getUint32(this.#need(4))
  }
  #bytes(n: number): Uint8Array {
    const at = this.#need(n)
    return this.data.slice(at, at + n)
  }
  #str(n: number): string | Uint8Array {
    const bytes = this.#bytes(n)
    if (this.raw) return bytes
    try {
      return strictUtf8.decode(bytes)
    } catch (cause) {
      throw new MsgpackUnicodeError(`str at byte ${this.pos - n} is not UTF-8`, { cause })
    }
  }
  #array(n: number, depth: number): PyValue[] {
    if (depth >= this.maxDepth) throw new MsgpackFormatError('arrays nested too deep')
    // Every element takes at least one byte: refuse impossible lengths before looping.
    if (n > this.data.length - this.pos) throw new MsgpackFormatError('array longer than input')
    const items: PyValue[] = []
    for (let i = 0; i < n; i++) items.push(this.value(depth + 1))
    return items
  }

  value(depth: number): PyValue {
    const at = this.pos
    const t = this.#u8()
    if (t <= 0x7f) return BigInt(t)
    if (t >= 0xe0) return BigInt(t - 0x100)
    if (t >= 0xa0 && t <= 0xbf) return this.#str(t & 0x1f)
    if (t >= 0x90 && t <= 0x9f) return this.#array(t & 0x0f, depth)
    const v = this.#view
    switch (t) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xc4:
        return this.#bytes(this.#u8())
      case 0xc5:
        return this.#bytes(this.#u16())
      case 0xc6:
        return this.#bytes(this.#u32())
      case 0xca:
        return v.getFloat32(this.#need(4))
      case 0xcb:
        return v.getFloat64(this.#need(8))
      case 0xcc:
        return BigInt(this.#u8())
      case 0xcd:
        return BigInt(this.#u16())
      case 0xce:
        return BigInt(this.#u32())
      case 0xcf:
        return v.getBigUint64(this.#need(8))
      case 0xd0:
        return BigInt(v.getInt8(this.#need(1)))
      case 0xd1:
        return BigInt(v.getInt16(this.#need(2)))
      case 0xd2:
        return BigInt(v.getInt32(this.#need(4)))
      case 0xd3:
        return v.getBigInt64(this.#need(8))
      case 0xd9:
        return this.#str(this.#u8())
      case 0xda:
        return this.#str(this.#u16())
      case 0xdb:
        return this.#str(this.#u32())
      case 0xdc:
        return this.#array(this.#u16(), depth)
      case 0xdd:
        return this.#array(this.#u32(), depth)
    }
    throw new MsgpackFormatError(`${typeName(t)} (0x${t.toString(16)}) at byte ${at}`)
  }
}

function typeName(t: number): string {
  if ((t >= 0x80 && t <= 0x8f) || t === 0xde || t === 0xdf) return 'map, not used by payloads,'
  if ((t >= 0xc7 && t <= 0xc9) || (t >= 0xd4 && t <= 0xd8)) return 'extension type'
  return 'reserved type byte'
}
