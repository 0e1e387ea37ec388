/**
 * A reader on the system (the least the operator console's APIs allow): the user is created and
 * given the reader role on the system, then logs in system-scoped with a raw POST
 * /v3/auth/tokens, as the console's browser page does.
 * @module
 */
import assert from 'node:assert/strict'
import type { TestIdentity } from './identity_server.ts'

/** Creates `name` (password `pw-<name>`) as a system reader and returns its system token. */
export async function systemReaderToken(
  identity: TestIdentity,
  name = 'sysreader',
): Promise<string> {
  const password = `pw-${name}`
  const user = (await identity.admin('POST', '/users', {
    user: { name, password, domain_id: 'default' },
  })) as { user: { id: string } }
  const roles = (await identity.admin('GET', '/roles?name=reader')) as { roles: { id: string }[] }
  const reader = roles.roles[0]?.id
  assert.ok(reader, 'the reader role exists')
  await identity.admin('PUT', `/system/users/${user.user.id}/roles/${reader}`)
  const login = await fetch(`${identity.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name, domain: { id: 'default' }, password } },
        },
        scope: { system: { all: true } },
      },
    }),
  })
  assert.equal(login.status, 201, await login.clone().text())
  return String(login.headers.get('x-subject-token'))
}
