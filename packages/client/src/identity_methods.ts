/**
 * The v3 identity plugins (keystoneauth `v3.Password`, `v3.Token`, `v3.ApplicationCredential`):
 * each checks its options at construction (a ConfigurationError names keystoneauth's option) and
 * builds the `auth` document for POST /v3/auth/tokens. Password and token take one scope: a
 * project, a domain, the system or a trust (`trust_id`).
 * @module
 */
import { ConfigurationError } from './errors.ts'
import {
  type AuthRequest,
  BaseIdentityPlugin,
  type IdentityPluginOptions,
} from './identity_plugin.ts'

type Opt = string | undefined

/** Who authenticates: a user id, or a user name with its domain. */
export type UserOptions = {
  userId?: Opt
  username?: Opt
  userDomainId?: Opt
  userDomainName?: Opt
}

/** At most one scope; none gives an unscoped token. */
export type ScopeOptions = {
  projectId?: Opt
  projectName?: Opt
  projectDomainId?: Opt
  projectDomainName?: Opt
  domainId?: Opt
  domainName?: Opt
  /** Only 'all' exists. */
  systemScope?: Opt
  /** A trust-scoped token (`{"OS-TRUST:trust": {"id": ...}}`), as keystoneauth's `trust_id`. */
  trustId?: Opt
}

export type PasswordAuthOptions = IdentityPluginOptions &
  UserOptions &
  ScopeOptions & { password: string }
export type TokenAuthOptions = IdentityPluginOptions & ScopeOptions & { token: string }
export type ApplicationCredentialAuthOptions = IdentityPluginOptions &
  UserOptions & {
    applicationCredentialId?: Opt
    applicationCredentialName?: Opt
    applicationCredentialSecret: string
  }

type Json = Record<string, unknown>

function given(value: Opt): value is string {
  return value !== undefined && value !== ''
}

function domainRef(id: Opt, name: Opt): Json | undefined {
  if (given(id)) return { id }
  if (given(name)) return { name }
  return undefined
}

/** The `user` object; throws when neither an id nor a name with a domain is given. */
function userRef(o: UserOptions, method: string): Json {
  const domain = domainRef(o.userDomainId, o.userDomainName)
  if (given(o.userId)) return { id: o.userId, ...(domain === undefined ? {} : { domain }) }
  if (!given(o.username)) {
    throw new ConfigurationError(`${method} auth needs user_id, or username with a user domain`)
  }
  if (domain === undefined) {
    throw new ConfigurationError(
      `${method} auth with username needs user_domain_id or user_domain_name`,
    )
  }
  return { name: o.username, domain }
}

/** The `scope` object, or undefined for an unscoped token; at most one kind may be given. */
function scopeRef(o: ScopeOptions): Json | undefined {
  const kinds: Json[] = []
  if (given(o.projectId)) kinds.push({ project: { id: o.projectId } })
  else if (given(o.projectName)) {
    const domain = domainRef(o.projectDomainId, o.projectDomainName)
    if (domain === undefined) {
      throw new ConfigurationError('project_name needs project_domain_id or project_domain_name')
    }
    kinds.push({ project: { name: o.projectName, domain } })
  }
  const domain = domainRef(o.domainId, o.domainName)
  if (domain !== undefined) kinds.push({ domain })
  if (given(o.systemScope)) {
    if (o.systemScope !== 'all') throw new ConfigurationError("system_scope must be 'all'")
    kinds.push({ system: { all: true } })
  }
  if (given(o.trustId)) kinds.push({ 'OS-TRUST:trust': { id: o.trustId } })
  if (kinds.length > 1) {
    throw new ConfigurationError(
      'give only one scope: a project, a domain (domain_id/domain_name), system_scope or trust_id',
    )
  }
  return kinds[0]
}

function requireSecret(value: string | undefined, option: string, method: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(`${method} auth needs ${option}`)
  }
  return value
}

function withScope(identity: Json, scope: Json | undefined): Json {
  return { auth: { identity, ...(scope === undefined ? {} : { scope }) } }
}

export class PasswordAuth extends BaseIdentityPlugin {
  readonly #user: Json
  readonly #scope: Json | undefined
  readonly #password: string

  constructor(o: PasswordAuthOptions) {
    super(o)
    this.#password = requireSecret(o.password, 'password', 'password')
    this.#user = userRef(o, 'password')
    this.#scope = scopeRef(o)
  }

  protected authRequest(): AuthRequest {
    const password = { user: { ...this.#user, password: this.#password } }
    return {
      body: withScope({ methods: ['password'], password }, this.#scope),
      secrets: [this.#password],
    }
  }
}

/** v3token: exchanges an existing token for a new (possibly re-scoped) one. */
export class TokenAuth extends BaseIdentityPlugin {
  readonly #token: string
  readonly #scope: Json | undefined

  constructor(o: TokenAuthOptions) {
    super(o)
    this.#token = requireSecret(o.token, 'token', 'token')
    this.#scope = scopeRef(o)
  }

  protected authRequest(): AuthRequest {
    return {
      body: withScope({ methods: ['token'], token: { id: this.#token } }, this.#scope),
      secrets: [this.#token],
    }
  }
}

/** The credential fixes the scope, so no scope is sent (keystoneauth sends none either). */
export class ApplicationCredentialAuth extends BaseIdentityPlugin {
  readonly #credential: Json
  readonly #secret: string

  constructor(o: ApplicationCredentialAuthOptions) {
    super(o)
    const method = 'application credential'
    this.#secret = requireSecret(
      o.applicationCredentialSecret,
      'application_credential_secret',
      method,
    )
    if (given(o.applicationCredentialId)) {
      this.#credential = { id: o.applicationCredentialId }
    } else if (given(o.applicationCredentialName)) {
      this.#credential = { name: o.applicationCredentialName, user: userRef(o, method) }
    } else {
      throw new ConfigurationError(
        `${method} auth needs application_credential_id, or application_credential_name with a user`,
      )
    }
  }

  protected authRequest(): AuthRequest {
    const application_credential = { ...this.#credential, secret: this.#secret }
    return {
      body: { auth: { identity: { methods: ['application_credential'], application_credential } } },
      secrets: [this.#secret],
    }
  }
}
