/**
 * A token identity has vouched for, as the middleware keeps it in its in-process cache: the parsed
 * `AccessInfo` plus what each request carrying the token needs (its identity headers, the v2
 * catalog as JSON), computed on first use and then shared, frozen, by every request until the
 * entry leaves the cache. Per-request checks (expiry, bind, access rules) still run on `access`.
 * @module
 */
import type { AccessInfo } from '@baton/client'
import {
  requestHeaders,
  serviceHeaders,
  type TokenHeaderParts,
  userHeaders,
  v2Catalog,
} from './identity_headers.ts'

type Headers = Readonly<Record<string, string>>

export class ValidatedToken implements TokenHeaderParts {
  readonly access: AccessInfo
  #user: Headers | undefined
  #service: Headers | undefined
  /** null: the token has no catalog. */
  #catalog: string | null | undefined
  /** `requestHeaders` of a request carrying only this user token, without / with catalog. */
  readonly #alone: [Headers | undefined, Headers | undefined] = [undefined, undefined]

  constructor(access: AccessInfo) {
    this.access = access
  }

  /** `set_user_headers` for this token. */
  get userHeaders(): Headers {
    this.#user ??= Object.freeze(userHeaders(this.access))
    return this.#user
  }

  /** `set_service_headers` for this token. */
  get serviceHeaders(): Headers {
    this.#service ??= Object.freeze(serviceHeaders(this.access))
    return this.#service
  }

  /** X-Service-Catalog: the catalog in the v2 shape, as JSON; undefined without a catalog. */
  get catalogHeader(): string | undefined {
    if (this.#catalog === undefined) {
      const catalog = this.access.catalog
      this.#catalog = catalog === undefined ? null : JSON.stringify(v2Catalog(catalog))
    }
    return this.#catalog ?? undefined
  }

  /**
   * The headers of a request confirmed by this user token alone (the common case), built once by
   * `requestHeaders` and shared by every such request.
   */
  headersAlone(includeCatalog: boolean): Headers {
    const slot = includeCatalog ? 1 : 0
    let headers = this.#alone[slot]
    if (headers === undefined) {
      headers = Object.freeze(
        requestHeaders('Confirmed', this, undefined, undefined, includeCatalog),
      )
      this.#alone[slot] = headers
    }
    return headers
  }
}
