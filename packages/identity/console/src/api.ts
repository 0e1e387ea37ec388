/**
 * The console's calls to the identity server it is served by (same origin, paths relative to
 * /console/ so a path prefix in front of the server still works). The token lives in this tab's
 * sessionStorage only: never a cookie, never localStorage, gone when the tab closes.
 * @module
 */

const TOKEN_KEY = 'baton.console.token'
const API = new URL('../v3/', document.baseURI)

export type Session = {
  readonly token: string
  readonly user: string
  readonly domain: string
  readonly scope: string
  readonly roles: readonly string[]
}

/** A refusal from the server, with Keystone's error body when it sent one. */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** The window event a live view raises when its poll got a 401: main.ts returns to the login. */
export const SESSION_ENDED = 'baton:session-ended'

export const savedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY)
export const saveToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token)
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY)

async function call(path: string, init: RequestInit): Promise<Response> {
  const response = await fetch(new URL(path, API), {
    ...init,
    credentials: 'omit',
    cache: 'no-store',
  })
  if (response.ok) return response
  let message = `${response.status} ${response.statusText}`
  try {
    const body = (await response.json()) as { error?: { message?: string } }
    if (typeof body.error?.message === 'string') message = body.error.message
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, message)
}

type TokenBody = {
  token: {
    user: { name: string; domain: { name: string } }
    roles?: { name: string }[]
    project?: { name: string }
    domain?: { name: string }
    system?: unknown
  }
}

function sessionOf(token: string, body: TokenBody): Session {
  const t = body.token
  const scope =
    t.system !== undefined
      ? 'system'
      : t.project !== undefined
        ? `project ${t.project.name}`
        : t.domain !== undefined
          ? `domain ${t.domain.name}`
          : 'unscoped'
  return {
    token,
    user: t.user.name,
    domain: t.user.domain.name,
    scope,
    roles: (t.roles ?? []).map((role) => role.name),
  }
}

export type PasswordLogin = {
  readonly username: string
  readonly password: string
  readonly domain: string
  /** Empty: a system-scoped token. */
  readonly project: string
}

/** POST /v3/auth/tokens; the token comes back in X-Subject-Token. */
export async function logIn(login: PasswordLogin): Promise<Session> {
  const domain = { name: login.domain }
  const scope =
    login.project === '' ? { system: { all: true } } : { project: { name: login.project, domain } }
  const response = await call('auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: login.username, domain, password: login.password } },
        },
        scope,
      },
    }),
  })
  const token = response.headers.get('x-subject-token')
  if (token === null) throw new ApiError(500, 'The server sent no X-Subject-Token.')
  return sessionOf(token, (await response.json()) as TokenBody)
}

/** An existing token: GET /v3/auth/tokens validates it as its own subject. */
export async function resume(token: string): Promise<Session> {
  const response = await call('auth/tokens', {
    method: 'GET',
    headers: { 'x-auth-token': token, 'x-subject-token': token },
  })
  return sessionOf(token, (await response.json()) as TokenBody)
}

export async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await call(path, { method: 'GET', headers: { 'x-auth-token': token } })
  return (await response.json()) as T
}
