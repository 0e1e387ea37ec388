/**
 * Calling the next service for a user: the user's token as X-Auth-Token plus this service's own
 * `[service_user]` token as X-Service-Token (when send_service_user_token is on), the next service
 * found in the catalog by type, every call written to the audit trail. A `Delegation` is what a
 * background job keeps of the request that started it, so it can still call on the user's behalf
 * after the user's token expired (and after a restart).
 * @module
 */
import type {
  Clock,
  EndpointFilter,
  IdentityPlugin,
  Interface,
  RequestOptions,
  Session,
} from '@baton/client'
import { ClientError, downstreamSession, HttpError } from '@baton/client'
import type { AuthToken, RequestIdentity } from '@baton/middleware'
import type { AuditLog } from './audit.ts'
import { UpstreamFailure } from './errors.ts'
import { shortBody } from './hop_failure.ts'
import { type HopResponse, streamRequest } from './stream_http.ts'

export type Delegation = {
  readonly userToken: string
  readonly userId: string
  readonly projectId: string
  readonly requestId: string
}

export function delegationOf(
  identity: RequestIdentity,
  userToken: string,
  requestId: string,
): Delegation {
  return {
    userToken,
    userId: identity.user?.userId ?? '',
    projectId: identity.user?.projectId ?? '',
    requestId,
  }
}

export type NextHopOptions = {
  readonly service: string
  readonly auth: AuthToken
  /** `[service_user]`: null when send_service_user_token is false. */
  readonly serviceAuth: IdentityPlugin | null
  readonly audit: AuditLog
  readonly interface: Interface
  readonly regionName?: string | undefined
  readonly clock: Clock
}

/** keystoneauth substitutes these in catalog URLs (`/v1/AUTH_%(project_id)s`, cinder's `/v3/%(project_id)s`). */
function substituteProject(url: string, projectId: string): string {
  return url.replace(/[%$]\((project_id|tenant_id)\)s/g, projectId)
}

/**
 * The catalog read here is this service's own token's, where identity already put the service's
 * project into `%(project_id)s`: that path segment (or `AUTH_<it>`) becomes the user's project.
 */
function forUserProject(url: string, ownProject: string | undefined, userProject: string): string {
  const substituted = substituteProject(url, userProject)
  if (ownProject === undefined || ownProject === '' || ownProject === userProject)
    return substituted
  return substituted
    .split('/')
    .map((seg) =>
      seg === ownProject ? userProject : seg === `AUTH_${ownProject}` ? `AUTH_${userProject}` : seg,
    )
    .join('/')
}

export type StreamOptions = {
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  /** A streamed request body (sent with backpressure); no 401 retry then: it cannot be replayed. */
  readonly body?: AsyncIterable<Uint8Array>
  /** Another base URL than the catalog's (the image service writes into the image owner's account). */
  readonly base?: string
  /** Statuses the caller takes; any other is an UpstreamFailure. Default: the caller takes them all. */
  readonly accept?: (status: number) => boolean
  readonly signal?: AbortSignal
}

export class NextHop {
  readonly #o: NextHopOptions
  constructor(options: NextHopOptions) {
    this.#o = options
  }

  /** Whether calls carry this service's own X-Service-Token (`[service_user]` is on). */
  get sendsServiceToken(): boolean {
    return this.#o.serviceAuth !== null
  }

  /** The session a call for this delegation goes through. */
  session(delegation: Delegation): Session {
    return downstreamSession({
      user: delegation.userToken,
      serviceAuth: this.#o.serviceAuth,
      clock: this.#o.clock,
    })
  }

  /** The next service's base URL for the user's project, from this service's own catalog. */
  async endpoint(serviceType: string, delegation: Delegation): Promise<string> {
    const filter: EndpointFilter = {
      serviceType,
      interface: this.#o.interface,
      ...(this.#o.regionName === undefined ? {} : { regionName: this.#o.regionName }),
    }
    let url: string | undefined
    let ownProject: string | undefined
    try {
      const session = this.session(delegation)
      url = await this.#o.auth.serviceAuth.getEndpoint(session, filter)
      ownProject = (await this.#o.auth.serviceAuth.getAccess(session)).projectId
    } catch (error) {
      throw new UpstreamFailure(`${this.#o.service} could not read the catalog: ${reason(error)}`, {
        cause: error,
      })
    }
    if (url === undefined) {
      throw new UpstreamFailure(
        `${this.#o.service} found no ${serviceType} endpoint in the catalog`,
      )
    }
    return forUserProject(url, ownProject, delegation.projectId).replace(/\/+$/, '')
  }

  /**
   * One call to the next hop, audited. HTTP errors come back as UpstreamFailure naming the hop, the
   * status and the next service's own message (401 after the user's token expired, typically).
   */
  async call(
    serviceType: string,
    path: string,
    delegation: Delegation,
    options: RequestOptions = {},
  ): Promise<Awaited<ReturnType<Session['request']>>> {
    const base = await this.endpoint(serviceType, delegation)
    const method = options.method ?? 'GET'
    const entry = this.#auditEntry(serviceType, method, path, delegation)
    try {
      const response = await this.session(delegation).request(`${base}${path}`, {
        ...options,
        headers: { 'X-OpenStack-Request-ID': delegation.requestId, ...options.headers },
      })
      this.#o.audit.write({ ...entry, status: response.status, outcome: 'ok' })
      return response
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 0
      const detail = `${this.#o.service} -> ${serviceType} ${method} ${path}: ${reason(error)}`
      this.#o.audit.write({ ...entry, status, outcome: 'error', detail })
      throw new UpstreamFailure(detail, { cause: error })
    }
  }
  /**
   * `call` for data: the same tokens, the same single re-authenticated retry on 401 (when there is
   * no body to replay), the same audit line and hop-naming failures, but bodies stream both ways
   * (image data, volume copies) instead of being buffered as text.
   */
  async stream(
    serviceType: string,
    path: string,
    delegation: Delegation,
    o: StreamOptions = {},
  ): Promise<HopResponse> {
    const method = o.method ?? 'GET'
    const entry = this.#auditEntry(serviceType, method, path, delegation)
    const fail = (status: number, why: string, cause?: unknown): never => {
      const detail = `${this.#o.service} -> ${serviceType} ${method} ${path}: ${why}`
      this.#o.audit.write({ ...entry, status, outcome: 'error', detail })
      throw new UpstreamFailure(detail, { cause })
    }
    const url = `${o.base ?? (await this.endpoint(serviceType, delegation))}${path}`
    const session = this.session(delegation)
    let secrets: string[] = []
    const send = async (): Promise<HopResponse> => {
      const auth = (await session.auth?.getHeaders(session)) ?? null
      if (auth === null) throw new Error('no token to send')
      secrets = Object.values(auth)
      const headers = { ...auth, 'X-OpenStack-Request-ID': delegation.requestId, ...o.headers }
      return streamRequest(url, method, headers, o.body, o.signal)
    }
    let res: HopResponse
    try {
      res = await send()
      // keystoneauth: on 401, drop what can be renewed (our service token) and resend once
      if (res.status === 401 && o.body === undefined && session.auth?.invalidate() === true) {
        await res.text()
        res = await send()
      }
    } catch (error) {
      if (o.signal?.aborted === true) throw error
      return fail(0, error instanceof Error ? error.message : String(error), error)
    }
    if (o.accept !== undefined && !o.accept(res.status)) {
      const body = shortBody(await res.text(), secrets)
      const cause = new HttpError({ status: res.status, method, url, body })
      return fail(res.status, `${res.status} ${body}`.trim(), cause)
    }
    this.#o.audit.write({
      ...entry,
      status: res.status,
      outcome: res.status < 400 ? 'ok' : 'error',
    })
    return res
  }

  #auditEntry(serviceType: string, method: string, path: string, delegation: Delegation) {
    return {
      service: this.#o.service,
      direction: 'sent' as const,
      request_id: delegation.requestId,
      method,
      path,
      user_id: delegation.userId,
      project_id: delegation.projectId,
      target: serviceType,
      service_token_sent: this.sendsServiceToken,
    }
  }
}

function reason(error: unknown): string {
  if (error instanceof HttpError) {
    const text = error.body.length > 300 ? `${error.body.slice(0, 300)}…` : error.body
    return `${error.status} ${text}`.trim()
  }
  if (error instanceof ClientError) return error.message
  return error instanceof Error ? error.message : String(error)
}
