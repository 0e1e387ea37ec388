/**
 * Follows the local cloud's shared audit trail (JSON lines) during the demo and turns the first line
 * of each kind of delegated call into a timeline event: which hop called which, whether a service
 * token went along, when an expired user token was let in on a service token's word, and (with
 * `[service_user] delegate`) each delegation obtained and each hop's actor chain.
 * @module
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { serviceFacts } from '@baton/cloud/services'

type AuditLine = {
  time: string
  service: string
  direction: 'received' | 'sent'
  method: string
  path: string
  status: number
  target?: string
  service_user_id?: string
  expired_user_token_accepted?: boolean
  service_token_sent?: boolean
  delegation_id?: string
  parent_delegation_id?: string
  operation?: string
  actor_chain?: string[]
  outcome: 'ok' | 'error'
  detail?: string
}

export type TimedEvent = { readonly time: number; readonly text: string }

/** The service each catalog type names (audit lines give the next hop by its catalog type). */
const TARGET_NAMES: ReadonlyMap<string, string> = new Map(
  serviceFacts.map((facts) => [facts.catalog.type, facts.name]),
)

export class AuditTail {
  readonly #file: string
  readonly #serviceUsers: ReadonlyMap<string, string>
  readonly #seen = new Set<string>()
  /** Services that let an expired user token in on a service token's word. */
  readonly acceptedExpired = new Set<string>()
  /** Services that accepted a delegation token, with its actor chain (service user names). */
  readonly delegationChains = new Map<string, readonly string[]>()
  #offset = 0

  /** `serviceUsers`: service user id → the service it belongs to. */
  constructor(file: string, serviceUsers: ReadonlyMap<string, string>) {
    this.#file = file
    this.#serviceUsers = serviceUsers
    if (existsSync(file)) this.#offset = statSync(file).size
  }

  /** New events since the last call, with the time each happened (ms since the epoch). */
  poll(): TimedEvent[] {
    if (!existsSync(this.#file)) return []
    const text = this.#readNew()
    const complete = text.lastIndexOf('\n')
    if (complete < 0) return []
    this.#offset += Buffer.byteLength(text.slice(0, complete + 1))
    const events: TimedEvent[] = []
    for (const raw of text.slice(0, complete).split('\n')) {
      if (raw.trim() === '') continue
      const line = JSON.parse(raw) as AuditLine
      const event = this.#describe(line)
      if (event !== undefined) events.push({ time: Date.parse(line.time), text: event })
    }
    return events
  }

  /** Only the bytes appended since the last complete line: the trail grows during the demo. */
  #readNew(): string {
    const size = statSync(this.#file).size
    if (size <= this.#offset) return ''
    const buffer = Buffer.alloc(size - this.#offset)
    const fd = openSync(this.#file, 'r')
    try {
      readSync(fd, buffer, 0, buffer.length, this.#offset)
    } finally {
      closeSync(fd)
    }
    return buffer.toString('utf8')
  }

  #once(key: string, text: string): string | undefined {
    if (this.#seen.has(key)) return undefined
    this.#seen.add(key)
    return text
  }

  #describe(line: AuditLine): string | undefined {
    if (line.direction === 'sent' && line.target === 'identity') {
      if (line.outcome === 'error')
        return this.#once(
          `fail ${line.service} delegation`,
          `${line.service} could not obtain a delegation: ${line.detail ?? line.status}`,
        )
      const narrowed = line.parent_delegation_id === undefined ? 'obtained' : 'narrowed'
      return this.#once(
        `delegation ${line.service}`,
        `${line.service} ${narrowed} a delegation for ${line.operation ?? '?'} (actors: ${(line.actor_chain ?? []).join(' -> ')})`,
      )
    }
    if (line.direction === 'received' && line.actor_chain !== undefined) {
      this.delegationChains.set(line.service, line.actor_chain)
      return this.#once(
        `chain ${line.service} ${line.delegation_id ?? ''}`,
        `${line.service} accepted delegation ${(line.delegation_id ?? '').slice(0, 8)} (${line.operation ?? '?'}), actor chain: ${line.actor_chain.join(' -> ')}`,
      )
    }
    if (line.direction === 'sent') {
      const target = TARGET_NAMES.get(line.target ?? '') ?? line.target ?? '?'
      const hop = `${line.service} -> ${target}`
      if (line.outcome === 'error')
        return this.#once(`fail ${hop}`, `${hop} FAILED: ${line.detail ?? line.status}`)
      const user = line.delegation_id === undefined ? 'user token' : 'delegation token'
      const tokens = line.service_token_sent ? `${user} + service token` : `${user} only`
      return this.#once(`sent ${hop}`, `${hop}: ${line.method} ${line.path} (${tokens})`)
    }
    if (line.expired_user_token_accepted === true) {
      this.acceptedExpired.add(line.service)
      const from = this.#serviceUsers.get(line.service_user_id ?? '') ?? 'a service'
      return this.#once(
        `expired ${line.service}`,
        `${line.service} accepted the EXPIRED user token: ${from}'s service token vouched for it`,
      )
    }
    return undefined
  }
}
