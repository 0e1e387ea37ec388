/**
 * What the delegation API tests share: a real identity server (test/support/identity_server.ts:
 * alice member on demo, svc and authtoken with the service role, nosvc without it) with an
 * injected clock and `allow_expired_window = 0`, and small HTTP helpers for the OS-BATON routes.
 * @module
 */
import { startTestIdentity, type TestIdentity } from '../../../support/identity_server.ts'

export type Reply = {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
  readonly json: any
  readonly text: string
}

export const DELEGATIONS = '/v3/OS-BATON/delegations'

export async function startDelegationIdentity(extraConfig: string[] = []): Promise<TestIdentity> {
  return startTestIdentity({
    extraConfig: [
      '[token]',
      'allow_expired_window = 0',
      '[delegation]',
      'max_lifetime = 7200',
      ...extraConfig,
    ],
  })
}

export async function call(
  id: TestIdentity,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const res = await fetch(`${id.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? options.raw === undefined
        ? {}
        : { body: options.raw }
      : { body: JSON.stringify(options.body) }),
  })
  const text = await res.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}

export const BOOT = {
  operation: 'compute:boot:6f1c',
  audience: ['volumev3', 'image', 'object-store'],
  expires_in: 3600,
  roles: ['member'],
}

/** POST /v3/OS-BATON/delegations. */
export function delegate(
  id: TestIdentity,
  subject: string | undefined,
  actor: string | undefined,
  body: unknown = { delegation: BOOT },
): Promise<Reply> {
  return call(id, 'POST', DELEGATIONS, {
    headers: {
      ...(subject === undefined ? {} : { 'X-Auth-Token': subject }),
      ...(actor === undefined ? {} : { 'X-Service-Token': actor }),
    },
    body,
  })
}

/** GET /v3/auth/tokens as `validator` (a service token), optionally with allow_expired. */
export function validate(
  id: TestIdentity,
  validator: string,
  subject: string,
  allowExpired = false,
): Promise<Reply> {
  return call(id, 'GET', `/v3/auth/tokens${allowExpired ? '?allow_expired=1' : ''}`, {
    headers: { 'X-Auth-Token': validator, 'X-Subject-Token': subject },
  })
}
