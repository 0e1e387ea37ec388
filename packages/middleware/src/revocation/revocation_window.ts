/**
 * The revocation events this process has heard of lately, and the check every cached validation
 * passes before it is used. Instead of finding cache entries to drop (memcached lists no keys, and
 * an index of what this process cached would miss entries other processes wrote, or that this one
 * wrote before a restart), every hit is checked against the events heard within the last
 * `retentionMs` (token_cache_time plus a margin): no cached validation can be older than that, so
 * an older event can only concern entries already expired. A validation is checked against all
 * events the first time it is used from a cache and afterwards only against events heard since its
 * last check (a sequence number per validation), so a hit with no new events costs one comparison.
 * Fresh answers from identity count as checked up to the events heard before the request was sent.
 * @module
 */
import type { Clock } from '@baton/config'
import { eventRevokes, type RevocationEventFacts, type TokenFacts } from './revocation_match.ts'

type Heard = { readonly event: RevocationEventFacts; readonly atMs: number; readonly key: string }

export type RevocationWindowOptions = {
  readonly clock: Clock
  /** How long an event is kept (ms): token_cache_time plus a margin. */
  readonly retentionMs: number
}

export class RevocationWindow {
  readonly #clock: Clock
  readonly #retentionMs: number
  /** Events in the order heard; `#base` is the sequence number of the first one kept. */
  #events: Heard[] = []
  #base = 0
  /** The same event heard twice (Redis and the HTTP stream) is kept once. */
  readonly #keys = new Set<string>()
  readonly #checked = new WeakMap<object, number>()
  readonly #facts = new WeakMap<object, TokenFacts>()

  constructor(o: RevocationWindowOptions) {
    this.#clock = o.clock
    this.#retentionMs = o.retentionMs
  }

  /** The sequence number the next event will get: a validation checked now is checked up to it. */
  get head(): number {
    return this.#base + this.#events.length
  }

  /** How many events are kept (for tests and logs). */
  get size(): number {
    return this.#events.length
  }

  /** Adds events heard now; returns how many were new. */
  add(events: readonly RevocationEventFacts[]): number {
    this.#prune()
    const now = this.#clock.now()
    let added = 0
    for (const event of events) {
      const key = JSON.stringify(event)
      if (this.#keys.has(key)) continue
      this.#keys.add(key)
      this.#events.push({ event, atMs: now, key })
      added++
    }
    return added
  }

  /** Marks a validation identity just answered as checked up to `head` (taken before asking). */
  markChecked(validation: object, head: number): void {
    this.#checked.set(validation, head)
  }

  /**
   * True when a heard event may revoke this cached validation. `facts` is computed once per
   * validation object, and only when there is something to check it against.
   */
  revokes(validation: object, facts: (v: object) => TokenFacts): boolean {
    const head = this.head
    const from = this.#checked.get(validation) ?? this.#base
    if (from >= head) return false
    // events it was never checked against have been pruned: too old to tell, so revalidate
    if (from < this.#base) return true
    let tokenFacts = this.#facts.get(validation)
    if (tokenFacts === undefined) {
      tokenFacts = facts(validation)
      this.#facts.set(validation, tokenFacts)
    }
    for (let seq = from; seq < head; seq++) {
      const heard = this.#events[seq - this.#base]
      if (heard !== undefined && eventRevokes(heard.event, tokenFacts)) return true
    }
    this.#checked.set(validation, head)
    return false
  }

  #prune(): void {
    const oldest = this.#clock.now() - this.#retentionMs
    let drop = 0
    while (drop < this.#events.length && (this.#events[drop]?.atMs ?? 0) < oldest) {
      this.#keys.delete(this.#events[drop]?.key ?? '')
      drop++
    }
    if (drop === 0) return
    this.#events = this.#events.slice(drop)
    this.#base += drop
  }
}
