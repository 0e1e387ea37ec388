/**
 * The identity v3 API as the bootstrap admin, for provisioning the local cloud and the demo's world.
 * @module
 */

export type Json = Record<string, unknown>
export type Api = (method: string, path: string, body?: Json) => Promise<Json>

export type Login = {
  readonly token: string
  readonly expiresAt: Date
  readonly projectId: string
  readonly userId: string
}

/** A project-scoped password login in the Default domain. */
export async function passwordLogin(
  identityUrl: string,
  name: string,
  password: string,
  project: string,
): Promise<Login> {
  const res = await fetch(`${identityUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name, password, domain: { id: 'default' } } },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    }),
  })
  const token = res.headers.get('x-subject-token')
  const body = (await res.json()) as {
    token?: { expires_at?: string; project?: { id: string }; user?: { id: string } }
  }
  if (res.status !== 201 || token === null || body.token?.expires_at === undefined) {
    throw new Error(`identity refused the login of ${name} (${res.status})`)
  }
  return {
    token,
    expiresAt: new Date(body.token.expires_at),
    projectId: body.token.project?.id ?? '',
    userId: body.token.user?.id ?? '',
  }
}

/** A v3 API caller authenticated as the bootstrap admin. */
export async function adminApi(identityUrl: string, password: string): Promise<Api> {
  const { token } = await passwordLogin(identityUrl, 'admin', password, 'admin')
  return async (method, path, body) => {
    const res = await fetch(`${identityUrl}/v3${path}`, {
      method,
      headers: {
        'X-Auth-Token': token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 400) throw new Error(`${method} /v3${path}: ${res.status} ${text}`)
    return text === '' ? {} : (JSON.parse(text) as Json)
  }
}

function first(list: unknown): Json | undefined {
  return Array.isArray(list) ? (list[0] as Json | undefined) : undefined
}

/** The id of the first match of `query`, created from `create` when there is none. */
export async function ensure(
  api: Api,
  collection: string,
  key: string,
  query: string,
  create: Json,
): Promise<string> {
  const found = first((await api('GET', `/${collection}?${query}`))[collection])
  if (found !== undefined) return String(found.id)
  return String(((await api('POST', `/${collection}`, { [key]: create }))[key] as Json).id)
}
