/**
 * Small random values (Fernet IVs, audit IDs) cut from a buffer the CSPRNG refills 4 KiB at a
 * time, as Node's own `randomUUID` does: one `randomBytes(16)` call cost ~2.7 us, most of it the
 * call itself. Every byte is handed out once; a returned Buffer is a copy, never a view of the
 * pool.
 * @module
 */
import { randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096

const pool = Buffer.alloc(POOL_BYTES)
let offset = POOL_BYTES

/** `size` fresh random bytes (at most 4096). */
export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > POOL_BYTES) {
    throw new RangeError(`pooledRandomBytes: size ${size} is not in 0..${POOL_BYTES}`)
  }
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size))
  // Zero what was handed out, so the pool never holds a value already in use elsewhere.
  pool.fill(0, offset, offset + size)
  offset += size
  return bytes
}
