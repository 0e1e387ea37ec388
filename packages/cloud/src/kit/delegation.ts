/**
 * Calling the next service for a user, through the middleware's `sessionFor` (the README's way):
 * the user's token as X-Auth-Token plus this service's own `[service_user]` token as
 * X-Service-Token (when send_service_user_token is on), the next service found in the catalog by
 * type, every call written to the audit trail. The client's Session does the rest (the 401 resend,
 * credentials scrubbed from errors, streamed bodies). A `Delegation` is what a background job keeps
 * of the request that started it, so it can still call on the user's behalf after the user's token
 * expired (and after a restart).
 * @module
 */
import type {
  DelegationSettings,
  DownstreamSession,
  EndpointFilter,
  IdentityPlugin,
  Interface,
  RequestOptions,
  Session,
  SessionOptions,
  StreamRequestOptions,
  StreamResponse,
} from '@baton/client'
import { ClientError, HttpError } from '@baton/client'
import type { AuthToken, RequestIdentity } from '@baton/middleware'
import type { AuditLog } from './audit.ts'
import { Unauthorized, UpstreamFailure } from './errors.ts'
import { shortBody } from './hop_failure.ts'

/**
 * The user token the middleware confirmed, who it names, and the request it came with. When that
 * token is a Baton delegation (received from a delegating hop, or obtained by `NextHop.delegate`),
 * `userToken` is the delegation token and the delegation's id and audience come along.
 */
export type Delegation = {
  readonly userToken: string
  readonly userId: string
  readonly projectId: string
  readonly requestId: string
  /** The Baton delegation `userToken` is, if it is one. */
  readonly delegationId?: string
  /** That delegation's audience (service types): a narrowing may only keep some of them. */
  readonly audience?: readonly string[]
  /** The operation it is bound to: a narrowing keeps it (one job, several hops). */
  readonly operation?: string
  /** Its deadline (ISO 8601): identity caps a narrowing's at it. */
  readonly expiresAt?: string
}

export function delegationOf(identity: RequestIdentity, requestId: string): Delegation {
  const user = identity.user
  if (user === undefined) {
    throw new Unauthorized('The request you have made requires authentication.')
  }
  const delegation = user.delegation
  return {
    userToken: user.token,
    userId: user.userId ?? '',
    projectId: user.projectId ?? '',
    requestId,
    ...(delegation === undefined
      ? {}
      : {
          delegationId: delegation.id,
          audience: delegation.audience,
          operation: delegation.operation,
          ...(delegation.expiresAt === undefined
            ? {}
            : { expiresAt: delegation.expiresAt.toISOString() }),
        }),
  }
}

/** A long operation's binding: what it is, and the service types every later hop belongs to. */
export type OperationBinding = { readonly operation: string; readonly audience: readonly string[] }

export type NextHopOptions = {
  readonly service: string
  readonly auth: AuthToken
  /** `[service_user]`: null when send_service_user_token is false. */
  readonly serviceAuth: IdentityPlugin | null
  /** `[service_user] delegate`: null when the service sends the user's token as received. */
  readonly delegating: DelegationSettings | null
  readonly audit: AuditLog
  readonly interface: Interface
  readonly regionName?: string | undefined
  /**
   * `[service_user]` session settings for every call downstream (timeout; cafile, certfile,
   * keyfile, insecure: the next service's HTTPS, and identity's when the service token is fetched).
   */
  readonly sessionOptions?: SessionOptions
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

export type StreamOptions = Pick<
  StreamRequestOptions,
  'method' | 'headers' | 'body' | 'accept' | 'signal'
> & {
  /** Another base URL than the catalog's (the image service writes into the image owner's account). */
  readonly base?: string
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

  /** Whether long operations are bound to a delegation (`[service_user] delegate = true`). */
  get delegates(): boolean {
    return this.#o.delegating !== null
  }

  /**
   * The start of a long operation: with `[service_user] delegate = true`, exchanges the kept token
   * (the user's, or a delegation to narrow) and this service's own for a delegation bound to
   * `binding`, and returns the Delegation to keep instead; otherwise returns `d` unchanged. A
   * narrowing keeps the parent's operation (the whole job's; this hop's own is only logged) and
   * only the audience members the parent has. Audited as a call to identity; a refusal
   * is an UpstreamFailure naming the hop.
   */
  async delegate(d: Delegation, binding: OperationBinding): Promise<Delegation> {
    const settings = this.#o.delegating
    if (settings === null) return d
    const parent = d.audience
    const audience =
      parent === undefined ? binding.audience : binding.audience.filter((t) => parent.includes(t))
    const operation = d.operation ?? binding.operation
    // identity caps a narrowing at its parent's deadline: a hop asks for its own lifetime
    const expiresIn = settings.lifetimeSeconds
    const entry = {
      ...this.#auditEntry('identity', 'POST', '/v3/OS-BATON/delegations', d),
      operation,
      ...(operation === binding.operation ? {} : { detail: `for ${binding.operation}` }),
      ...(d.delegationId === undefined ? {} : { parent_delegation_id: d.delegationId }),
    }
    try {
      const access = await this.session(d).delegate({
        operation,
        audience,
        expiresIn,
      })
      const delegation = access.delegation
      if (delegation === undefined) throw new Error('identity answered without a delegation')
      this.#o.audit.write({
        ...entry,
        status: 201,
        outcome: 'ok',
        delegation_id: delegation.id,
        actor_chain: delegation.actors.map((a) => a.userName ?? a.userId),
      })
      return {
        ...d,
        userToken: access.token,
        delegationId: delegation.id,
        audience,
        operation,
        ...(delegation.expiresAt === undefined
          ? {}
          : { expiresAt: delegation.expiresAt.toISOString() }),
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 0
      const detail = `${this.#o.service} -> identity POST /v3/OS-BATON/delegations: ${reason(error)}`
      this.#o.audit.write({ ...entry, status, outcome: 'error', detail })
      throw new UpstreamFailure(detail, { cause: error })
    }
  }

  /** The session a call for this delegation goes through. */
  session(delegation: Delegation): DownstreamSession {
    return this.#o.auth.sessionFor(delegation, {
      ...this.#o.sessionOptions,
      serviceAuth: this.#o.serviceAuth,
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
   * `call` for data: the same session and audit line, hop-naming failures, but bodies stream both
   * ways (image data, volume copies) instead of being buffered as text. Statuses outside `accept`
   * (default: below 400) are an UpstreamFailure.
   */
  async stream(
    serviceType: string,
    path: string,
    delegation: Delegation,
    o: StreamOptions = {},
  ): Promise<StreamResponse> {
    const method = o.method ?? 'GET'
    const entry = this.#auditEntry(serviceType, method, path, delegation)
    const url = `${o.base ?? (await this.endpoint(serviceType, delegation))}${path}`
    let res: StreamResponse
    try {
      res = await this.session(delegation).stream(url, {
        ...o,
        method,
        headers: { 'X-OpenStack-Request-ID': delegation.requestId, ...o.headers },
      })
    } catch (error) {
      if (o.signal?.aborted === true) throw error
      const status = error instanceof HttpError ? error.status : 0
      const why =
        error instanceof HttpError
          ? `${status} ${shortBody(error.body)}`.trim()
          : error instanceof Error
            ? error.message
            : String(error)
      const detail = `${this.#o.service} -> ${serviceType} ${method} ${path}: ${why}`
      this.#o.audit.write({ ...entry, status, outcome: 'error', detail })
      throw new UpstreamFailure(detail, { cause: error })
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
      ...(delegation.delegationId === undefined ? {} : { delegation_id: delegation.delegationId }),
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
