/**
 * `Session`: keystoneauth's `Session.request` flow. Auth headers from the plugin (none available is
 * an AuthorizationFailure), a relative URL joined to a catalog endpoint or override, connection
 * retries with backoff, one re-authenticated resend on 401, typed errors for statuses >= 400.
 * Credentials the request carried are scrubbed from every error and log line. `stream` is the same
 * flow for bodies that stream both ways (data a service proxies), sent once.
 * @module
 */
import { activeTracing, type Clock, systemClock } from '@baton/config'
import type { AccessInfo } from './access_info.ts'
import type { EndpointFilter } from './catalog.ts'
import { AuthorizationFailure, EndpointNotFound, httpErrorFor, InvalidResponse } from './errors.ts'
import { type RawResponse, sendWithRetries } from './http_send.ts'
import { type StreamResponse, sendStream } from './http_stream.ts'
import type { ClientTls } from './tls.ts'

/*
 * The plugin contracts a Session talks to (keystoneauth `BaseAuthPlugin` / `BaseIdentityPlugin`),
 * beside the Session they are handed: each takes the other, so they live in one module.
 */

export interface AuthPlugin {
  /** Headers to authenticate a request (X-Auth-Token, maybe X-Service-Token); null = no auth available. */
  getHeaders(session: Session): Promise<Record<string, string> | null>
  /** Drop cached credentials; true when something was dropped (so a retry is worthwhile). */
  invalidate(): boolean
  /** The endpoint for a filter, from this plugin's catalog; undefined when none matches. */
  getEndpoint(session: Session, filter: EndpointFilter): Promise<string | undefined>
}

/** A plugin that authenticates against identity itself and can say who it is. */
export interface IdentityPlugin extends AuthPlugin {
  getAccess(session: Session): Promise<AccessInfo>
}

export type SessionLogger = { debug?(msg: string): void; warn?(msg: string): void }

export type SessionOptions = {
  auth?: AuthPlugin
  clock?: Clock
  /** Per attempt, body included; unset = no timeout. */
  timeoutMs?: number
  /** Default 0, like keystoneauth's Session. */
  connectRetries?: number
  /** First backoff delay; doubles per retry, capped at 60 s. Default 500. */
  connectRetryDelayMs?: number
  /** Retries of a 503 answer; default 0 (off). */
  statusCodeRetries?: number
  userAgent?: string
  logger?: SessionLogger
  /** cafile, certfile, keyfile, insecure (`clientTlsFromOptions`); unset: Node's CA store. */
  tls?: ClientTls | undefined
}

/** How any request is addressed and authenticated, buffered or streamed. */
type RequestBase = {
  method?: string
  headers?: Record<string, string>
  query?: Record<string, string>
  endpointFilter?: EndpointFilter
  endpointOverride?: string
  /** Default: true when the session has an auth plugin. */
  authenticated?: boolean
  /** Default true: on 401, invalidate the plugin and resend once if it dropped something. */
  allowReauth?: boolean
  /** Further secret values (passwords in a body) to scrub from errors. */
  redact?: readonly string[]
}

export type RequestOptions = RequestBase & {
  json?: unknown
  body?: string
  /** Default true: statuses >= 400 throw the typed HttpError. */
  raiseExc?: boolean
  connectRetries?: number
  statusCodeRetries?: number
  timeoutMs?: number
}

/**
 * A request whose bodies stream (image and object data). Sent once: no connection retries, no
 * timeout but `signal`, and no 401 resend when there is a body (it cannot be replayed).
 */
export type StreamRequestOptions = RequestBase & {
  /** Sent with backpressure. */
  body?: AsyncIterable<Uint8Array>
  /**
   * The statuses handed back as a response; any other throws the typed HttpError (its body read,
   * credentials scrubbed). Default: below 400. `() => true` is keystoneauth's `raise_exc=False`.
   */
  accept?: (status: number) => boolean
  signal?: AbortSignal
}

export type ClientResponse = {
  status: number
  headers: Headers
  text: string
  json(): unknown
  url: string
}

export const DEFAULT_USER_AGENT = `baton-client/0.1.0 node/${process.versions.node}`
const ABSOLUTE = /^[a-z][a-z\d+.-]*:\/\//i
/** Headers whose values are credentials, whoever set them. */
const SECRET_HEADER = /token|password|secret|authorization/i

export class Session {
  readonly auth: AuthPlugin | undefined
  readonly clock: Clock
  readonly #o: SessionOptions

  constructor(o: SessionOptions = {}) {
    this.auth = o.auth
    this.clock = o.clock ?? systemClock
    this.#o = o
  }

  /** The endpoint for `filter` from the auth plugin's catalog (undefined without a plugin). */
  async getEndpoint(filter: EndpointFilter): Promise<string | undefined> {
    return this.auth === undefined ? undefined : this.auth.getEndpoint(this, filter)
  }

  async request(url: string, o: RequestOptions = {}): Promise<ClientResponse> {
    const json = o.json === undefined ? undefined : JSON.stringify(o.json)
    const body = json ?? o.body
    const { res, method, target, secrets } = await this.#exchange<RawResponse>(
      url,
      o,
      json === undefined ? {} : { 'Content-Type': 'application/json' },
      async () => undefined,
      (method, target, headers) =>
        sendWithRetries(
          {
            method,
            url: target,
            headers,
            body,
            timeoutMs: o.timeoutMs ?? this.#o.timeoutMs,
            tls: this.#o.tls,
          },
          {
            connectRetries: o.connectRetries ?? this.#o.connectRetries ?? 0,
            statusCodeRetries: o.statusCodeRetries ?? this.#o.statusCodeRetries ?? 0,
            retryDelayMs: this.#o.connectRetryDelayMs ?? 500,
            warn: (m) => this.#o.logger?.warn?.(m),
          },
        ),
    )
    if ((o.raiseExc ?? true) && res.status >= 400) {
      throw httpErrorFor({
        status: res.status,
        method,
        url: target,
        body: scrub(res.text, secrets),
      })
    }
    return toClientResponse(res, method, target)
  }

  /** `request` with streamed bodies: the answer comes back unread once its status is accepted. */
  async stream(url: string, o: StreamRequestOptions = {}): Promise<StreamResponse> {
    const { res, method, target, secrets } = await this.#exchange<StreamResponse>(
      url,
      o,
      {},
      o.body === undefined ? (refused) => refused.text() : null,
      (method, target, headers) =>
        sendStream({
          method,
          url: target,
          headers,
          body: o.body,
          signal: o.signal,
          tls: this.#o.tls,
        }),
    )
    if (!(o.accept ?? below400)(res.status)) {
      const text = await res.text()
      throw httpErrorFor({ status: res.status, method, url: target, body: scrub(text, secrets) })
    }
    return res
  }

  /**
   * The flow both share: headers (the caller's, auth, defaults, User-Agent), the URL, one send, and
   * on 401 one resend with fresh auth headers when the request can be resent and the plugin dropped
   * something.
   * `secrets` holds every credential value sent, for the caller's error bodies.
   */
  async #exchange<R extends { readonly status: number }>(
    url: string,
    o: RequestBase,
    defaults: Readonly<Record<string, string>>,
    /** How a refused answer is let go before the resend (null: nothing to send again). */
    resend: ((refused: R) => Promise<unknown>) | null,
    sendOnce: (method: string, target: string, headers: Record<string, string>) => Promise<R>,
  ): Promise<{ res: R; method: string; target: string; secrets: Set<string> }> {
    const method = (o.method ?? 'GET').toUpperCase()
    const authenticated = o.authenticated ?? this.auth !== undefined
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(o.headers ?? {})) setHeader(headers, name, value)
    if (authenticated) await this.#authenticate(headers)
    const target = await this.#resolveUrl(url, o)
    for (const [name, value] of Object.entries(defaults)) {
      if (findHeader(headers, name.toLowerCase()) === undefined) headers[name] = value
    }
    if (findHeader(headers, 'user-agent') === undefined) {
      headers['User-Agent'] = this.#o.userAgent ?? DEFAULT_USER_AGENT
    }
    const secrets = new Set(o.redact ?? [])
    const send = async (): Promise<R> => {
      for (const [name, value] of Object.entries(headers)) {
        if (SECRET_HEADER.test(name)) secrets.add(value)
      }
      this.#o.logger?.debug?.(`REQ: ${method} ${target}`)
      // with OTEL_* tracing on: a client span, and its traceparent on this request only
      const span = activeTracing()?.clientSpan({ method, url: target, headers })
      let res: R
      try {
        res = await sendOnce(method, target, span?.headers ?? headers)
      } catch (error) {
        span?.end({ error })
        throw error
      }
      span?.end({ status: res.status })
      this.#o.logger?.debug?.(`RESP: ${method} ${target} ${res.status}`)
      return res
    }

    let res = await send()
    if (
      res.status === 401 &&
      authenticated &&
      resend !== null &&
      (o.allowReauth ?? true) &&
      this.auth?.invalidate()
    ) {
      this.#o.logger?.debug?.(`${method} ${target} answered 401; re-authenticating once`)
      await resend(res)
      await this.#authenticate(headers)
      res = await send()
    }
    return { res, method, target, secrets }
  }

  async #authenticate(headers: Record<string, string>): Promise<void> {
    if (this.auth === undefined) throw new AuthorizationFailure()
    const authHeaders = await this.auth.getHeaders(this)
    if (authHeaders === null) throw new AuthorizationFailure()
    for (const [name, value] of Object.entries(authHeaders)) setHeader(headers, name, value)
  }

  async #resolveUrl(url: string, o: RequestOptions): Promise<string> {
    let full = url
    if (!ABSOLUTE.test(url)) {
      let base = o.endpointOverride
      if (base === undefined && o.endpointFilter !== undefined) {
        base = await this.getEndpoint(o.endpointFilter)
      }
      if (base === undefined) throw new EndpointNotFound(describeMissing(o.endpointFilter))
      // keystoneauth: base.rstrip('/') + '/' + url.lstrip('/')
      full = url === '' ? base : `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
    }
    if (o.query === undefined || Object.keys(o.query).length === 0) return full
    const parsed = new URL(full)
    for (const [name, value] of Object.entries(o.query)) parsed.searchParams.append(name, value)
    return parsed.toString()
  }
}

function below400(status: number): boolean {
  return status < 400
}

function describeMissing(filter: EndpointFilter | undefined): string {
  if (filter === undefined) return 'a relative URL needs an endpointFilter or endpointOverride'
  const parts = [`service type ${filter.serviceType}`, `interface ${filter.interface ?? 'public'}`]
  if (filter.regionName !== undefined) parts.push(`region ${filter.regionName}`)
  if (filter.serviceName !== undefined) parts.push(`service name ${filter.serviceName}`)
  return `no endpoint in the catalog for ${parts.join(', ')}`
}

function findHeader(headers: Record<string, string>, lowerName: string): string | undefined {
  return Object.keys(headers).find((k) => k.toLowerCase() === lowerName)
}

/** Replaces any differently-cased copy, so fetch never joins two values into one header. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = findHeader(headers, name.toLowerCase())
  if (existing !== undefined) delete headers[existing]
  headers[name] = value
}

/** Credentials in an echoed body would otherwise surface in error messages and logs. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length === 0) continue
    // a JSON body echoes the secret escaped (quotes, backslashes, non-ASCII)
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join('***')
    }
  }
  return out
}

function toClientResponse(res: RawResponse, method: string, url: string): ClientResponse {
  return {
    status: res.status,
    headers: res.headers,
    text: res.text,
    url: res.url,
    json(): unknown {
      try {
        return JSON.parse(res.text)
      } catch {
        // no cause: V8's SyntaxError quotes the body, which may hold credentials
        throw new InvalidResponse(`${method} ${url} answered ${res.status} without a JSON body`)
      }
    },
  }
}
