/**
 * keystonemiddleware's `auth_token` decision, framework-free: strip forged identity headers, validate
 * the service token first (never with allow_expired), then the user token (with allow_expired only
 * when the service token holds a listed service role), and decide: pass with identity headers, or
 * 401 / 503 with Keystone's body. Adapters (`adapters/`) apply the decision to a real request.
 * @module
 */
import type { AccessInfo, Clock } from '@baton/client'
import { IdentityUnavailable, InvalidToken } from './errors.ts'
import {
  SERVICE_CATALOG_HEADER,
  SERVICE_STATUS_HEADER,
  serviceHeaders,
  USER_STATUS_HEADER,
  userHeaders,
  v2Catalog,
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

export class AuthTokenProtocol {
  readonly settings: AuthTokenSettings
  readonly #fetcher: TokenFetcher
  readonly #clock: Clock
  readonly #log: MiddlewareLogger

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
  }

  /** The header keystonemiddleware adds to every 401, its own and the application's. */
  get wwwAuthenticate(): string {
    return `Keystone uri="${this.settings.wwwAuthenticateUri}"`
  }

  async decide(headers: IncomingHeaders, facts: RequestFacts): Promise<AuthDecision> {
    try {
      return await this.#decide(headers, facts)
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

  async #decide(headers: IncomingHeaders, facts: RequestFacts): Promise<AuthDecision> {
    const serviceToken = header(headers, 'x-service-token')
    const userToken = header(headers, 'x-auth-token') ?? header(headers, 'x-storage-token')
    const out: Record<string, string> = {}

    let service: AccessInfo | undefined
    let allowExpired = false
    if (serviceToken) {
      const checked = await this.#checkServiceToken(serviceToken.trim(), facts)
      out[SERVICE_STATUS_HEADER] = checked.confirmed ? 'Confirmed' : 'Invalid'
      if (checked.confirmed) service = checked.access
      allowExpired = checked.roleMatched
    }

    let user: AccessInfo | undefined
    if (userToken) {
      user = await this.#checkUserToken(
        userToken.trim(),
        allowExpired,
        facts,
        Boolean(serviceToken),
      )
    }
    out[USER_STATUS_HEADER] = user === undefined ? 'Invalid' : 'Confirmed'

    const authenticated = user !== undefined && out[SERVICE_STATUS_HEADER] !== 'Invalid'
    if (!authenticated) {
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
    if (user !== undefined) {
      Object.assign(out, userHeaders(user))
      if (this.settings.includeServiceCatalog && user.catalog !== undefined) {
        out[SERVICE_CATALOG_HEADER] = JSON.stringify(v2Catalog(user.catalog))
      }
    }
    if (service !== undefined) Object.assign(out, serviceHeaders(service))
    const serviceStatus = out[SERVICE_STATUS_HEADER] as TokenStatus | undefined
    return {
      action: 'pass',
      identity: {
        userStatus: out[USER_STATUS_HEADER] as TokenStatus,
        serviceStatus,
        user,
        service,
        acceptedExpiredUserToken: user?.willExpireSoon(this.#clock.now(), 0) === true,
        headers: out,
      },
    }
  }

  async #checkServiceToken(
    token: string,
    facts: RequestFacts,
  ): Promise<{ confirmed: boolean; roleMatched: boolean; access?: AccessInfo }> {
    let access: AccessInfo
    try {
      access = await this.#validate(token, false)
      checkNotExpired(access, this.#clock.now())
      confirmTokenBind(access, this.settings.bind, facts)
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid service token')
      return { confirmed: false, roleMatched: false }
    }
    const roleMatched = access.roleNames.some((r) => this.settings.serviceTokenRoles.has(r))
    if (this.settings.serviceTokenRolesRequired)
      return { confirmed: roleMatched, roleMatched, access }
    return { confirmed: true, roleMatched, access }
  }

  async #checkUserToken(
    token: string,
    allowExpired: boolean,
    facts: RequestFacts,
    serviceTokenSent: boolean,
  ): Promise<AccessInfo | undefined> {
    try {
      const access = await this.#validate(token, allowExpired)
      if (!allowExpired) checkNotExpired(access, this.#clock.now())
      checkAccessRules(access, facts, this.settings.serviceType, serviceTokenSent)
      if (!serviceTokenSent) confirmTokenBind(access, this.settings.bind, facts)
      return access
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error
      this.#log.info('Invalid user token')
      return undefined
    }
  }

  /** Under delay_auth_decision an unreachable identity makes the token Invalid instead of a 503. */
  async #validate(token: string, allowExpired: boolean): Promise<AccessInfo> {
    if (token === '') throw new InvalidToken('empty token')
    try {
      return await this.#fetcher.fetch(token, allowExpired)
    } catch (error) {
      if (error instanceof IdentityUnavailable && this.settings.delayAuthDecision) {
        this.#log.error(`Unable to validate token: ${error.message}`)
        throw new InvalidToken('identity unavailable')
      }
      throw error
    }
  }
}

/** A header's value; the first one when a client repeated it. */
function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' ? value : value?.[0]
}
