/**
 * A bounded memo whose entries are valid for one cache generation only: `get(generation, key,
 * compute)` answers from memory when the entry was computed at exactly that generation and
 * otherwise recomputes and replaces it. Callers read the generation BEFORE computing, so an
 * entry is never labelled newer than the data it was computed from. Failures are not cached.
 * @module
 */
import { LRUCache } from 'lru-cache'

interface Entry<T> {
  readonly generation: number
  readonly value: T
}

export interface GenerationMemoStats {
  hits: number
  misses: number
}

export class GenerationMemo<T> {
  readonly #entries: LRUCache<string, Entry<T>>
  readonly stats: GenerationMemoStats = { hits: 0, misses: 0 }

  constructor(max: number) {
    this.#entries = new LRUCache<string, Entry<T>>({ max })
  }

  async get(generation: number, key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.#entries.get(key)
    if (found !== undefined && found.generation === generation) {
      this.stats.hits++
      return found.value
    }
    this.stats.misses++
    const value = await compute()
    // A slower request that read an older generation must not replace a newer entry.
    const current = this.#entries.peek(key)
    if (current === undefined || current.generation <= generation) {
      this.#entries.set(key, { generation, value })
    }
    return value
  }

  get size(): number {
    return this.#entries.size
  }

  clear(): void {
    this.#entries.clear()
  }
}
