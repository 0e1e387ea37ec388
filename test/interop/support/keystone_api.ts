/**
 * The few Keystone v3 HTTP calls the interop harnesses need, with plain fetch so they run the same
 * against Baton and the real Keystone: password tokens, revocation, and an admin session that
 * re-authenticates itself (matrix identities issue tokens that live only a few seconds).
 * @module
 */

export type PasswordCreds = {
  readonly username: string
  readonly password: string
  readonly userDomainName: string
  readonly projectName: string
  readonly projectDomainName: string
}

export type IssuedToken = {
  /** The token itself: a secret, never put it in a message. */
  readonly id: string
  /** `expires_at` from the token body, in ms since the epoch. */
  readonly expiresAt: number
  readonly userId: string
  readonly projectId: string
  readonly roles: readonly string[]
}

type TokenBody = {
  token?: {
    expires_at?: string
    user?: { id?: string }
    project?: { id?: string }
    roles?: { name?: string }[]
  }
}

/** The identity API root (`…/v3`) for a server URL with or without the version suffix. */
export function v3Root(identityUrl: string): string {
  const base = identityUrl.replace(/\/+$/, '')
  return base.endsWith('/v3') ? base : `${base}/v3`
}

/** POST /v3/auth/tokens with the password method, scoped to the project in `creds`. */
export async function issuePasswordToken(
  identityUrl: string,
  creds: PasswordCreds,
): Promise<IssuedToken> {
  const res = await fetch(`${v3Root(identityUrl)}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: creds.username,
              domain: { name: creds.userDomainName },
              password: creds.password,
            },
          },
        },
        scope: { project: { name: creds.projectName, domain: { name: creds.projectDomainName } } },
      },
    }),
  })
  const text = await res.text()
  const id = res.headers.get('x-subject-token')
  if (res.status !== 201 || id === null) {
    throw new Error(
      `token issue for ${creds.username} answered ${res.status}: ${text.slice(0, 300)}`,
    )
  }
  const body = JSON.parse(text) as TokenBody
  const expiresAt = Date.parse(body.token?.expires_at ?? '')
  if (!Number.isFinite(expiresAt)) throw new Error(`token for ${creds.username} has no expires_at`)
  return {
    id,
    expiresAt,
    userId: body.token?.user?.id ?? '',
    projectId: body.token?.project?.id ?? '',
    roles: (body.token?.roles ?? []).map((r) => r.name ?? ''),
  }
}

/** The bootstrap admin's credentials from OS_* variables (as identity_process.ts produces). */
export function credsFromEnv(env: Record<string, string>): PasswordCreds {
  const need = (name: string): string => {
    const value = env[name]
    if (value === undefined) throw new Error(`adminEnv lacks ${name}`)
    return value
  }
  return {
    username: need('OS_USERNAME'),
    password: need('OS_PASSWORD'),
    userDomainName: env.OS_USER_DOMAIN_NAME ?? 'Default',
    projectName: need('OS_PROJECT_NAME'),
    projectDomainName: env.OS_PROJECT_DOMAIN_NAME ?? 'Default',
  }
}

export type AdminSession = {
  /** Calls the v3 API as admin; throws unless the status is one of `ok`. */
  call<T>(method: string, path: string, body?: unknown, ok?: readonly number[]): Promise<T>
  /** DELETE /v3/auth/tokens for `token` (204). */
  revoke(token: string): Promise<void>
}

/** An admin session that takes a fresh token whenever the current one has under 2 s left. */
export function adminSession(identityUrl: string, adminEnv: Record<string, string>): AdminSession {
  const creds = credsFromEnv(adminEnv)
  const root = v3Root(identityUrl)
  let current: IssuedToken | undefined
  const token = async (): Promise<string> => {
    if (current === undefined || current.expiresAt - Date.now() < 2000) {
      current = await issuePasswordToken(identityUrl, creds)
    }
    return current.id
  }
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    ok: readonly number[] = [200, 201, 204],
  ): Promise<T> => {
    const headers: Record<string, string> = { 'X-Auth-Token': await token() }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = JSON.stringify(body)
    const res = await fetch(`${root}${path}`, init)
    const text = await res.text()
    if (!ok.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`)
    }
    return (text === '' ? {} : JSON.parse(text)) as T
  }
  return {
    call,
    revoke: async (subject) => {
      const res = await fetch(`${root}/auth/tokens`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': await token(), 'X-Subject-Token': subject },
      })
      await res.arrayBuffer()
      if (res.status !== 204) throw new Error(`token revocation answered ${res.status}`)
    },
  }
}
