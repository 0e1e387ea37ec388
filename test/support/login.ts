/**
 * A project-scoped password login over Keystone's wire protocol (POST /v3/auth/tokens), for the
 * tests that need a user's token as a fixture. The tests' own copy rather than the CLI's
 * `local_cloud/identity_admin.ts`: these tests are about the middleware, client and services, not
 * the CLI, so a change to the CLI's private helper must not reach them; what they rely on is the
 * v3 API, which this speaks directly.
 * @module
 */

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
