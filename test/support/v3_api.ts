/**
 * The tests' one caller of a running identity server's /v3 API: JSON in, JSON out, the token
 * from X-Subject-Token; any 4xx or 5xx throws with the body, so set-up steps fail loudly.
 * @module
 */

export type V3Answer = {
  readonly status: number
  /** The parsed body; `{}` for an empty one (204). */
  readonly json: Record<string, unknown>
  readonly token: string | null
}

export type V3Api = (
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
) => Promise<V3Answer>

/** `url`: the server's root (without /v3). */
export function v3Api(url: string): V3Api {
  return async (method, path, token, body) => {
    const res = await fetch(`${url}/v3${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { 'X-Auth-Token': token }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return {
      status: res.status,
      json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      token: res.headers.get('x-subject-token'),
    }
  }
}
