/**
 * keystonemiddleware's `auth_token` decision, framework-free: strip forged identity headers, validate
 * the service token first (never with allow_expired), then the user token (with allow_expired only
 * when the service token holds a listed service role), and decide: pass with identity headers, or
 * 401 / 503 with Keystone's body. Adapters (`adapters/`) apply the decision to a real request.
 * @module
 */
import type { AccessInfo, Clock } from '@baton/client'
import { ThrottledWarning } from './cache/throttled_warning.ts'
import { IdentityUnavailable, InvalidToken } from './errors.ts'
import {
  SERVICE_CATALOG_HEADER,
  SERVICE_STATUS_HEADER,
  USER_STATUS_HEADER,
} from './identity_headers.ts'
import type { MiddlewareLogger } from './logger.ts'
import {
  type BindMode,
  checkAccessRules,
  checkNotExpired,
  confirmTokenBind,
  type RequestFacts,
} from './token_checks.ts'
import type { TokenFetcher } from './token_fetcher.ts'
import type { ValidatedToken } from './validated_token.ts'

export type TokenStatus = 'Confirmed' | 'Invalid'

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

/** A token `#steps` needs validated, and in which mode. */
type Lookup = { readonly token: string; readonly allowExpired: boolean }
/** What is known about it: vouched for, or why not. */
type Found = ValidatedToken | InvalidToken
type Steps = Generator<Lookup, AuthDecision, Found>

export class AuthTokenProtocol {
  readonly settings: AuthTokenSettings
  readonly #fetcher: TokenFetcher
  readonly #clock: Clock
  readonly #log: MiddlewareLogger
  readonly #oversized: ThrottledWarning
  #challenge: string | undefined

  constructor(o: {
    settings: AuthTokenSettings
    fetcher: TokenFetcher
    clock: Clock
    logger: MiddlewareLogger
  }) {
    this.settings = o.settings
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

  async decide(headers: IncomingHeaders, facts: RequestFacts): Promise<AuthDecision> {
    return this.evaluate(headers, facts)
  }

  /**
   * `decide`, synchronously when every token the request carries is in the in-process cache (the
   * hot path: no promise, no microtask), else a promise. Adapters call this; both paths run the
   * same steps (`#steps`).
   */
  evaluate(headers: IncomingHeaders, facts: RequestFacts): AuthDecision | Promise<AuthDecision> {
    const steps = this.#steps(headers, facts)
    let step = steps.next()
    while (!step.done) {
      const found = this.#lookupNow(step.value)
      if (found === undefined) return this.#continue(steps, step.value)
      step = steps.next(found)
    }
    return step.value
  }

  /** The rest of `evaluate` once a token must come from the cache backend or identity. */
  async #continue(steps: Steps, pending: Lookup): Promise<AuthDecision> {
    try {
      let lookup = pending
      for (;;) {
        const step = steps.next(await this.#lookup(lookup))
        if (step.done) return step.value
        lookup = step.value
      }
    } catch (error) {
      if (!(error instanceof IdentityUnavailable)) throw error
      this.#log.error(`Unable to validate token: ${error.message}`)
      return {
        action: 'reject',
        status: 503,
        headers: { 'Content-Type': JSON_TYPE },
        body: UNAVAILABLE_BODY,
      }
    }
  }

  /**
   * The decision, written once: yields each token to validate (the service token first, never
   * with allow_expired; then the user token) and receives what is known about it.
   */
  *#steps(headers: IncomingHeaders, facts: RequestFacts): Steps {
    const serviceToken = header(headers, 'x-service-token')
    const userToken = header(headers, 'x-auth-token') ?? header(headers, 'x-storage-token')

    let service: ValidatedToken | undefined
    let serviceStatus: TokenStatus | undefined
    let allowExpired = false
    if (serviceToken) {
      const found = yield { token: serviceToken.trim(), allowExpired: false }
      const checked = this.#checkServiceToken(found, facts)
      serviceStatus = checked.confirmed ? 'Confirmed' : 'Invalid'
      if (checked.confirmed) service = checked.token
      allowExpired = checked.roleMatched
    }

    let user: ValidatedToken | undefined
    if (userToken) {
      const found = yield { token: userToken.trim(), allowExpired }
      user = this.#checkUserToken(found, allowExpired, facts, Boolean(serviceToken))
    }
    const userStatus: TokenStatus = user === undefined ? 'Invalid' : 'Confirmed'

    if (user === undefined || serviceStatus === 'Invalid') {
      if (!this.settings.delayAuthDecision) {
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
    return {
      action: 'pass',
      identity: {
        userStatus,
        serviceStatus,
        user: user?.access,
        service: service?.access,
        acceptedExpiredUserToken: user?.access.willExpireSoon(this.#clock.now(), 0) === true,
        headers: this.#identityHeaders(userStatus, user, serviceStatus, service),
      },
    }
  }

  /** The common case (one confirmed user token, nothing else) is a set shared by its requests. */
  #identityHeaders(
    userStatus: TokenStatus,
    user: ValidatedToken | undefined,
    serviceStatus: TokenStatus | undefined,
    service: ValidatedToken | undefined,
  ): Readonly<Record<string, string>> {
    const includeCatalog = this.settings.includeServiceCatalog
    if (serviceStatus === undefined && user !== undefined)
      return user.userOnlyHeaders(includeCatalog)
    const out: Record<string, string> = {}
    if (serviceStatus !== undefined) out[SERVICE_STATUS_HEADER] = serviceStatus
    out[USER_STATUS_HEADER] = userStatus
    if (user !== undefined) {
      Object.assign(out, user.userHeaders)
      const catalog = includeCatalog ? user.catalogHeader : undefined
      if (catalog !== undefined) out[SERVICE_CATALOG_HEADER] = catalog
    }
    if (service !== undefined) Object.assign(out, service.serviceHeaders)
    return out
  }

  #checkServiceToken(
    found: Found,
    facts: RequestFacts,
  ): { confirmed: boolean; roleMatched: boolean; token?: ValidatedToken } {
    try {
      if (found instanceof InvalidToken) throw found
      checkNotExpired(found.access, this.#clock.now())
      confirmTokenBind(found.access, this.settings.bind, facts)
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid service token')
      return { confirmed: false, roleMatched: false }
    }
    const roles = this.settings.serviceTokenRoles
    const roleMatched = found.access.roleNames.some((r) => roles.has(r))
    if (this.settings.serviceTokenRolesRequired)
      return { confirmed: roleMatched, roleMatched, token: found }
    return { confirmed: true, roleMatched, token: found }
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
      if (!serviceTokenSent) confirmTokenBind(access, this.settings.bind, facts)
      return found
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid user token')
      return undefined
    }
  }

  /** From the in-process cache only; undefined when the backend or identity must be asked. */
  #lookupNow(lookup: Lookup): Found | undefined {
    const refused = this.#refuseUnasked(lookup.token)
    if (refused !== undefined) return refused
    return this.#fetcher.cached(lookup.token, lookup.allowExpired)
  }

  /**
   * Cache or identity. Under delay_auth_decision an unreachable identity makes the token Invalid
   * instead of a 503.
   */
  async #lookup(lookup: Lookup): Promise<Found> {
    const refused = this.#refuseUnasked(lookup.token)
    if (refused !== undefined) return refused
    try {
      return await this.#fetcher.fetch(lookup.token, lookup.allowExpired)
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
