/**
 * `[DEFAULT] copy_bytes_per_second`: paces a byte stream so a copy takes as long as the operator
 * asked. Chunks are cut into twentieths of a second's worth so progress moves smoothly, and each
 * piece waits until its bytes are due. Pacing is wall-clock time on purpose: it shapes real I/O.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'

export async function* throttled(
  source: AsyncIterable<Uint8Array>,
  bytesPerSecond: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  if (bytesPerSecond <= 0) {
    yield* source
    return
  }
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20))
  const started = performance.now()
  let sent = 0
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += slice) {
      const wait = started + (sent / bytesPerSecond) * 1000 - performance.now()
      if (wait > 0) await sleep(wait, undefined, { signal })
      const piece = chunk.subarray(at, at + slice)
      sent += piece.length
      yield piece
    }
  }
}
