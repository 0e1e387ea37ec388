/**
 * What the middleware counts as it works, in plain numbers (a Map lookup and an add per event: the
 * hot path pays nothing else); `middleware_metrics.ts` turns them into Prometheus metrics when a
 * service serves /metrics. Labels stay bounded: decision outcomes and call results are fixed sets,
 * and service user names (the sender of an expired user token accepted on its service token's
 * word) are capped, later names counting as `other`.
 * @module
 */

/** How a request was decided. */
export type DecisionOutcome =
  /** Every token sent was confirmed. */
  | 'confirmed'
  /** Passed on with an Invalid status (delay_auth_decision). */
  | 'deferred'
  /** 401. */
  | 'rejected'
  /** 503: identity could not answer. */
  | 'identity_unavailable'

/** What a validation call to identity came back with. */
export type IdentityCallResult = 'valid' | 'invalid' | 'error'

/** At most this many service user names label the expired-token counter. */
export const MAX_SERVICE_USER_LABELS = 50

export class MiddlewareStats {
  readonly decisions = new Map<DecisionOutcome, number>()
  /** Expired user tokens accepted, by the name of the service user that vouched. */
  readonly expiredAccepted = new Map<string, number>()
  readonly identityCalls = new Map<IdentityCallResult, number>()
  readonly cache = { localHits: 0, localMisses: 0, sharedHits: 0, sharedMisses: 0 }

  decision(outcome: DecisionOutcome): void {
    this.decisions.set(outcome, (this.decisions.get(outcome) ?? 0) + 1)
  }

  expiredAcceptedFor(serviceUser: string | undefined): void {
    let name = serviceUser ?? 'unknown'
    if (!this.expiredAccepted.has(name) && this.expiredAccepted.size >= MAX_SERVICE_USER_LABELS) {
      name = 'other'
    }
    this.expiredAccepted.set(name, (this.expiredAccepted.get(name) ?? 0) + 1)
  }

  identityCall(result: IdentityCallResult): void {
    this.identityCalls.set(result, (this.identityCalls.get(result) ?? 0) + 1)
  }
}
