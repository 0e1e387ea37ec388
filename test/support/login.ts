/**
 * A project-scoped password login, for the tests that need a user's token as a fixture: the
 * client's `PasswordAuth` (keystoneauth's `v3.Password`) on a `Session`, as a service logs in,
 * rather than a hand-written POST /v3/auth/tokens. Not the CLI's `local_cloud/identity_admin.ts`:
 * tests of the middleware, client and services do not import the CLI's internals.
 * @module
 */
import { PasswordAuth, Session } from '@baton/client'

export type Login = {
  readonly token: string
  readonly expiresAt: Date
  readonly projectId: string
  readonly userId: string
}

/** A project-scoped password login in the Default domain; a refusal throws the client's error. */
export async function passwordLogin(
  identityUrl: string,
  name: string,
  password: string,
  project: string,
): Promise<Login> {
  const auth = new PasswordAuth({
    authUrl: `${identityUrl}/v3`,
    username: name,
    userDomainId: 'default',
    password,
    projectName: project,
    projectDomainId: 'default',
  })
  const access = await auth.getAccess(new Session({ auth }))
  return {
    token: access.token,
    expiresAt: access.expiresAt,
    projectId: access.projectId ?? '',
    userId: access.userId ?? '',
  }
}
