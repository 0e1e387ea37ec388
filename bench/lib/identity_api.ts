/**
 * The few v3 calls the bench makes against Baton and Keystone alike: the request bodies for the
 * password and token (rescope) methods, issuing a token, and validating one. Failures name the
 * call and the status, never the token or the password.
 * @module
 */
import type { WrkRequest } from './wrk.ts'

export type ProjectScope = { readonly name: string; readonly domainId: string }

export type PasswordCreds = {
  readonly user: string
  readonly domainId: string
  readonly password: string
}

function scopeJson(scope: ProjectScope | undefined) {
  return scope === undefined
    ? {}
    : { scope: { project: { name: scope.name, domain: { id: scope.domainId } } } }
}

export function passwordAuthBody(creds: PasswordCreds, scope?: ProjectScope): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: creds.user, domain: { id: creds.domainId }, password: creds.password },
        },
      },
      ...scopeJson(scope),
    },
  })
}

/** The token method: rescoping an existing token to a project. */
export function tokenAuthBody(token: string, scope: ProjectScope): string {
  return JSON.stringify({
    auth: { identity: { methods: ['token'], token: { id: token } }, ...scopeJson(scope) },
  })
}

export function issueRequest(baseUrl: string, body: string): WrkRequest {
  return {
    method: 'POST',
    url: `${baseUrl}/v3/auth/tokens`,
    headers: { 'Content-Type': 'application/json' },
    body,
  }
}

export function validateRequest(baseUrl: string, authToken: string, subject: string): WrkRequest {
  return {
    method: 'GET',
    url: `${baseUrl}/v3/auth/tokens?nocatalog`,
    headers: { 'X-Auth-Token': authToken, 'X-Subject-Token': subject },
  }
}

/** Sends one request the way wrk would; returns the status, the body and X-Subject-Token. */
export async function send(request: WrkRequest) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  return { status: res.status, text, subject: res.headers.get('x-subject-token') }
}

/** POST /v3/auth/tokens; resolves the new token. */
export async function issueToken(baseUrl: string, body: string, what: string): Promise<string> {
  const res = await send(issueRequest(baseUrl, body))
  if (res.status !== 201 || res.subject === null) {
    throw new Error(`issuing ${what} answered ${res.status}`)
  }
  return res.subject
}

/** GET /v3/auth/tokens; resolves the response body (the bench checks it once before loading). */
export async function validateOnce(request: WrkRequest, what: string): Promise<string> {
  const res = await send(request)
  if (res.status !== 200) throw new Error(`validating ${what} answered ${res.status}`)
  return res.text
}
