/**
 * keystonemiddleware's `auth_token` decision, framework-free: strip forged identity headers, validate
 * the service token first (never with allow_expired), then the user token (with allow_expired only
 * when the service token holds a listed service role), and decide: pass with identity headers, or
 * 401 / 503 with Keystone's body. Adapters (`adapters/`) apply the decision to a real request.
 * @module
 */
import type { AccessInfo, Clock, DelegationInfo } from '@baton/client'
import { ThrottledWarning } from './cache/throttled_warning.ts'
import { IdentityUnavailable, InvalidToken } from './errors.ts'
import { requestHeaders, type TokenStatus } from './identity_headers.ts'
import type { MiddlewareLogger } from './logger.ts'
import type { MiddlewareStats } from './metrics/middleware_stats.ts'
import {
  type BindMode,
  checkAccessRules,
  checkNotExpired,
  confirmTokenBind,
  type RequestFacts,
} from './token_checks.ts'
import type { TokenFetcher } from './token_fetcher.ts'
import type { ValidatedToken } from './validated_token.ts'

export type { TokenStatus }

/** What the middleware learned about a request; the typed twin of the identity headers. */
export type RequestIdentity = {
  readonly userStatus: TokenStatus
  /** Undefined when no service token was sent. */
  readonly serviceStatus: TokenStatus | undefined
  /** The confirmed user token (undefined unless userStatus is Confirmed). */
  readonly user: AccessInfo | undefined
  /** The confirmed service token. */
  readonly service: AccessInfo | undefined
  /** True when the user token had expired and was accepted on the service token's word. */
  readonly acceptedExpiredUserToken: boolean
  /**
   * Baton only: the confirmed user token is a job-bound delegation (its operation, audience, actor
   * chain, root audit id, deadline); undefined for any other token.
   */
  readonly delegation: DelegationInfo | undefined
  /** The identity headers set on the request (exact names, nulls omitted). */
  readonly headers: Readonly<Record<string, string>>
}

export type AuthDecision =
  | { readonly action: 'pass'; readonly identity: RequestIdentity }
  | {
      readonly action: 'reject'
      readonly status: 401 | 500 | 503
      readonly headers: Readonly<Record<string, string>>
      readonly body: string
    }

/** Request headers as node:http hands them over: lower-case names. */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

export type AuthTokenSettings = {
  readonly wwwAuthenticateUri: string
  readonly delayAuthDecision: boolean
  readonly serviceTokenRoles: ReadonlySet<string>
  readonly serviceTokenRolesRequired: boolean
  readonly includeServiceCatalog: boolean
  readonly bind: BindMode
  readonly serviceType: string | undefined
  /** `max_token_size`: longer tokens are invalid without a call to identity. */
  readonly maxTokenSize: number
}

const UNAUTHORIZED_BODY = JSON.stringify({
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
})
const UNAVAILABLE_BODY = JSON.stringify({
  error: {
    code: 503,
    title: 'Service Unavailable',
    message: 'The Keystone service is temporarily unavailable.',
  },
})
const JSON_TYPE = 'application/json; charset=UTF-8'

/** What is known about a token: vouched for, or why not. */
type Found = ValidatedToken | InvalidToken
/** The service token's outcome (undefined where none was sent). */
type ServiceOutcome = {
  readonly status: TokenStatus
  /** The token, when Confirmed. */
  readonly token: ValidatedToken | undefined
  /** It holds a listed service role: the user token is then validated with allow_expired. */
  readonly roleMatched: boolean
}

export class AuthTokenProtocol {
  readonly settings: AuthTokenSettings
  readonly #fetcher: TokenFetcher
  readonly #clock: Clock
  readonly #log: MiddlewareLogger
  readonly #oversized: ThrottledWarning
  readonly #stats: MiddlewareStats | undefined
  #challenge: string | undefined

  constructor(o: {
    settings: AuthTokenSettings
    fetcher: TokenFetcher
    clock: Clock
    logger: MiddlewareLogger
    stats?: MiddlewareStats | undefined
  }) {
    this.settings = o.settings
    this.#stats = o.stats
    this.#fetcher = o.fetcher
    this.#clock = o.clock
    this.#log = o.logger
    this.#oversized = new ThrottledWarning(o.logger, o.clock)
  }

  /** The header keystonemiddleware adds to every 401, its own and the application's. */
  get wwwAuthenticate(): string {
    this.#challenge ??= `Keystone uri="${this.settings.wwwAuthenticateUri}"`
    return this.#challenge
  }

  /**
   * The decision: the service token first (never with allow_expired), then the user token. Each
   * token comes from the in-process cache at once, else (a promise) from the cache backend or
   * identity; so a request whose tokens are all cached is decided synchronously (the hot path: no
   * promise, no microtask), through the same steps as every other.
   */
  decide(headers: IncomingHeaders, facts: RequestFacts): AuthDecision | Promise<AuthDecision> {
    const serviceToken = header(headers, 'x-service-token')
    const userToken = header(headers, 'x-auth-token') ?? header(headers, 'x-storage-token')
    let decision: AuthDecision | Promise<AuthDecision>
    if (serviceToken) {
      const found = this.#find(serviceToken.trim(), false)
      decision =
        found instanceof Promise
          ? found.then((f) =>
              this.#withService(this.#checkServiceToken(f, facts), userToken, facts),
            )
          : this.#withService(this.#checkServiceToken(found, facts), userToken, facts)
    } else {
      decision = this.#withService(undefined, userToken, facts)
    }
    return decision instanceof Promise
      ? decision.catch((e: unknown) => this.#unavailable(e))
      : decision
  }

  /** The user token's step, once the service token's outcome is known. */
  #withService(
    service: ServiceOutcome | undefined,
    userToken: string | undefined,
    facts: RequestFacts,
  ): AuthDecision | Promise<AuthDecision> {
    if (!userToken) return this.#conclude(service, undefined, facts)
    const found = this.#find(userToken.trim(), service?.roleMatched === true)
    return found instanceof Promise
      ? found.then((f) => this.#conclude(service, f, facts))
      : this.#conclude(service, found, facts)
  }

  #conclude(
    service: ServiceOutcome | undefined,
    found: Found | undefined,
    facts: RequestFacts,
  ): AuthDecision {
    const allowExpired = service?.roleMatched === true
    const user =
      found === undefined
        ? undefined
        : this.#checkUserToken(found, allowExpired, facts, service !== undefined)
    const userStatus: TokenStatus = user === undefined ? 'Invalid' : 'Confirmed'
    const serviceStatus = service?.status
    if (user === undefined || serviceStatus === 'Invalid') {
      if (!this.settings.delayAuthDecision) {
        this.#stats?.decision('rejected')
        this.#log.info('Rejecting request')
        return {
          action: 'reject',
          status: 401,
          headers: { 'Content-Type': JSON_TYPE, 'WWW-Authenticate': this.wwwAuthenticate },
          body: UNAUTHORIZED_BODY,
        }
      }
      this.#log.debug('Deferring reject downstream')
    }
    const includeCatalog = this.settings.includeServiceCatalog
    const acceptedExpired = user?.access.willExpireSoon(this.#clock.now(), 0) === true
    if (this.#stats !== undefined) {
      const confirmed = userStatus === 'Confirmed' && serviceStatus !== 'Invalid'
      this.#stats.decision(confirmed ? 'confirmed' : 'deferred')
      if (acceptedExpired) this.#stats.expiredAcceptedFor(service?.token?.access.userName)
    }
    return {
      action: 'pass',
      identity: {
        userStatus,
        serviceStatus,
        user: user?.access,
        service: service?.token?.access,
        acceptedExpiredUserToken: acceptedExpired,
        delegation: user?.access.delegation,
        // the common case (one confirmed user token, nothing else) shares the token's set
        headers:
          service === undefined && user !== undefined
            ? user.headersAlone(includeCatalog)
            : requestHeaders(userStatus, user, serviceStatus, service?.token, includeCatalog),
      },
    }
  }

  /** Identity could not answer (and delay_auth_decision is off): 503. */
  #unavailable(error: unknown): AuthDecision {
    if (!(error instanceof IdentityUnavailable)) throw error
    this.#stats?.decision('identity_unavailable')
    this.#log.error(`Unable to validate token: ${error.message}`)
    return {
      action: 'reject',
      status: 503,
      headers: { 'Content-Type': JSON_TYPE },
      body: UNAVAILABLE_BODY,
    }
  }

  #checkServiceToken(found: Found, facts: RequestFacts): ServiceOutcome {
    try {
      if (found instanceof InvalidToken) throw found
      checkNotExpired(found.access, this.#clock.now())
      confirmTokenBind(found.access, this.settings.bind, facts)
      const delegation = found.access.delegation
      if (delegation !== undefined) {
        this.#log.warn(
          `Rejecting delegation ${delegation.id} sent as X-Service-Token: a delegation acts for a ` +
            "user and cannot vouch as a service's own token",
        )
        throw new InvalidToken('a delegation is not a service token')
      }
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid service token')
      return { status: 'Invalid', token: undefined, roleMatched: false }
    }
    const roles = this.settings.serviceTokenRoles
    const roleMatched = found.access.roleNames.some((r) => roles.has(r))
    if (this.settings.serviceTokenRolesRequired && !roleMatched)
      return { status: 'Invalid', token: undefined, roleMatched }
    return { status: 'Confirmed', token: found, roleMatched }
  }

  #checkUserToken(
    found: Found,
    allowExpired: boolean,
    facts: RequestFacts,
    serviceTokenSent: boolean,
  ): ValidatedToken | undefined {
    try {
      if (found instanceof InvalidToken) throw found
      const access = found.access
      if (!allowExpired) checkNotExpired(access, this.#clock.now())
      checkAccessRules(access, facts, this.settings.serviceType, serviceTokenSent)
      this.#checkAudience(access)
      if (!serviceTokenSent) confirmTokenBind(access, this.settings.bind, facts)
      return found
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid user token')
      return undefined
    }
  }

  /**
   * A delegation is good only at the services its audience names: this one's `[keystone_authtoken]
   * service_type` must be among them (none configured: every delegation is refused, as access rules
   * are). The refusal is a 401 like any invalid token, and says why in the log.
   */
  #checkAudience(access: AccessInfo): void {
    const delegation = access.delegation
    if (delegation === undefined) return
    const own = this.settings.serviceType
    if (own === undefined || own === '') {
      this.#log.warn(
        `Rejecting delegation ${delegation.id} (operation ${delegation.operation}): ` +
          '[keystone_authtoken] service_type is not set, so its audience cannot be checked',
      )
      throw new InvalidToken('delegation audience cannot be checked')
    }
    if (!delegation.audience.includes(own)) {
      this.#log.warn(
        `Rejecting delegation ${delegation.id} (operation ${delegation.operation}): its audience ` +
          `[${delegation.audience.join(', ')}] does not include this service's type ${own}`,
      )
      throw new InvalidToken('service type not in the delegation audience')
    }
  }

  /** From the in-process cache at once, else (a promise) from the cache backend or identity. */
  #find(token: string, allowExpired: boolean): Found | Promise<Found> {
    const refused = this.#refuseUnasked(token)
    if (refused !== undefined) return refused
    return this.#fetcher.cached(token, allowExpired) ?? this.#fetch(token, allowExpired)
  }

  /**
   * Cache backend or identity. Under delay_auth_decision an unreachable identity makes the token
   * Invalid instead of a 503.
   */
  async #fetch(token: string, allowExpired: boolean): Promise<Found> {
    try {
      return await this.#fetcher.fetch(token, allowExpired)
    } catch (error) {
      if (error instanceof InvalidToken) return error
      if (error instanceof IdentityUnavailable && this.settings.delayAuthDecision) {
        this.#log.error(`Unable to validate token: ${error.message}`)
        return new InvalidToken('identity unavailable')
      }
      throw error
    }
  }

  /** Tokens not worth a call: empty, or longer than any real token (a warning per interval). */
  #refuseUnasked(token: string): InvalidToken | undefined {
    if (token === '') return new InvalidToken('empty token')
    if (token.length <= this.settings.maxTokenSize) return undefined
    this.#oversized.warn(
      'oversized',
      `Refused a ${token.length}-byte token without asking identity ([keystone_authtoken] ` +
        `max_token_size = ${this.settings.maxTokenSize})`,
    )
    return new InvalidToken('token too large')
  }
}

/** A header's value; the first one when a client repeated it. */
function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' ? value : value?.[0]
}
