/**
 * Plugins that never authenticate themselves: a validated user token (`AccessInfoAuth`, what
 * keystonemiddleware's user plugin is), a bare token string (`StaticTokenAuth`, keystoneauth's
 * `token_endpoint.Token`), and `ServiceTokenAuthWrapper` (keystoneauth `service_token.py`), which
 * adds the service's own token as X-Service-Token to the user's headers.
 * @module
 */
import type { AccessInfo } from './access_info.ts'
import { type EndpointFilter, endpointFromCatalog } from './catalog.ts'
import { ConfigurationError } from './errors.ts'
import type { AuthPlugin, Session } from './session.ts'

export const SERVICE_TOKEN_HEADER = 'X-Service-Token'

/** A user token the receiving middleware validated: sent as is, never renewed. */
export class AccessInfoAuth implements AuthPlugin {
  readonly access: AccessInfo

  constructor(access: AccessInfo) {
    this.access = access
  }

  async getAccess(_session: Session): Promise<AccessInfo> {
    return this.access
  }

  async getHeaders(_session: Session): Promise<Record<string, string> | null> {
    return { 'X-Auth-Token': this.access.token }
  }

  /** Nothing to drop: the token cannot be renewed by us (keystoneauth's base default). */
  invalidate(): boolean {
    return false
  }

  async getEndpoint(_session: Session, filter: EndpointFilter): Promise<string | undefined> {
    const catalog = this.access.catalog
    return catalog === undefined ? undefined : endpointFromCatalog(catalog, filter)
  }
}

/** A raw token, optionally with the one endpoint every lookup answers (no catalog to read). */
export class StaticTokenAuth implements AuthPlugin {
  readonly #token: string
  readonly #endpoint: string | undefined

  constructor(token: string, options: { endpoint?: string } = {}) {
    if (typeof token !== 'string' || token === '') {
      throw new ConfigurationError('a static token plugin needs a non-empty token')
    }
    this.#token = token
    this.#endpoint = options.endpoint
  }

  async getHeaders(_session: Session): Promise<Record<string, string> | null> {
    return { 'X-Auth-Token': this.#token }
  }

  invalidate(): boolean {
    return false
  }

  async getEndpoint(_session: Session, _filter: EndpointFilter): Promise<string | undefined> {
    return this.#endpoint
  }
}

/** The user's headers plus X-Service-Token from the service plugin; endpoints from the user. */
export class ServiceTokenAuthWrapper implements AuthPlugin {
  readonly user: AuthPlugin
  readonly service: AuthPlugin

  constructor(user: AuthPlugin, service: AuthPlugin) {
    this.user = user
    this.service = service
  }

  async getHeaders(session: Session): Promise<Record<string, string> | null> {
    // keystoneauth: a user plugin with nothing to give is not a failure here
    const headers = { ...((await this.user.getHeaders(session)) ?? {}) }
    const serviceToken = tokenOf(await this.service.getHeaders(session))
    if (serviceToken !== undefined) {
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'x-service-token') delete headers[name]
      }
      headers[SERVICE_TOKEN_HEADER] = serviceToken
    }
    return headers
  }

  /** Both are invalidated (no short circuit); true when either dropped something. */
  invalidate(): boolean {
    const user = this.user.invalidate()
    const service = this.service.invalidate()
    return user || service
  }

  getEndpoint(session: Session, filter: EndpointFilter): Promise<string | undefined> {
    return this.user.getEndpoint(session, filter)
  }
}

/** keystoneauth asks the service plugin for its token; our plugins expose it as X-Auth-Token. */
function tokenOf(headers: Record<string, string> | null): string | undefined {
  if (headers === null) return undefined
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'x-auth-token' && value !== '') return value
  }
  return undefined
}
