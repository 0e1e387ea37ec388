/**
 * The users, projects and roles the service-token matrix needs, created through the Keystone v3
 * HTTP API (so it works against Baton and the real Keystone alike), and the `[keystone_authtoken]`
 * section that points a guarded service at them.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { adminSession, type PasswordCreds, v3Root } from './keystone_api.ts'

export type WorldUser = PasswordCreds & { readonly id: string; readonly projectId: string }

export type MatrixWorld = {
  readonly identityUrl: string
  readonly adminEnv: Record<string, string>
  readonly projectId: string
  readonly serviceProjectId: string
  /** `member` on the matrix project: the end user whose requests are passed along. */
  readonly user: WorldUser
  /** `service` on the `service` project: a trusted service that vouches with service tokens. */
  readonly service: WorldUser
  /** Only `member` on the `service` project: a valid token without the service role. */
  readonly noServiceRole: WorldUser
  /** The guarded service's own `[keystone_authtoken]` user (`service` role: may validate tokens). */
  readonly middleware: WorldUser
}

type Named = { id: string; name: string }

const worlds = new Map<string, MatrixWorld>()

/** The world prepareMatrixWorld last built for `identityUrl` (undefined when none). */
export function worldFor(identityUrl: string): MatrixWorld | undefined {
  return worlds.get(identityUrl)
}

/** The public Keystone URL the guarded service names in `WWW-Authenticate`. */
export function wwwAuthenticateUri(identityUrl: string): string {
  return identityUrl.replace(/\/+$/, '')
}

/** The `[keystone_authtoken]` section for a guarded service under the matrix. */
export function authtokenConfigLines(identityUrl: string, creds: PasswordCreds): string[] {
  return [
    '[keystone_authtoken]',
    `www_authenticate_uri = ${wwwAuthenticateUri(identityUrl)}`,
    `auth_url = ${v3Root(identityUrl)}`,
    'auth_type = password',
    `username = ${creds.username}`,
    `password = ${creds.password}`,
    `user_domain_name = ${creds.userDomainName}`,
    `project_name = ${creds.projectName}`,
    `project_domain_name = ${creds.projectDomainName}`,
    'service_token_roles = service',
    // KSM 10.1 defaults this to False; the matrix states Baton's (and current KSM's) true.
    'service_token_roles_required = true',
    'delay_auth_decision = false',
    'interface = public',
    'token_cache_time = 300',
    '',
  ]
}

/** Creates a fresh matrix world (unique names, so it can run twice against one server). */
export async function prepareMatrixWorld(
  identityUrl: string,
  adminEnv: Record<string, string>,
): Promise<MatrixWorld> {
  const admin = adminSession(identityUrl, adminEnv)
  const suffix = randomBytes(4).toString('hex')

  const roleId = async (name: string, create: boolean): Promise<string> => {
    const found = await admin.call<{ roles: Named[] }>('GET', `/roles?name=${name}`)
    const role = found.roles.find((r) => r.name === name)
    if (role !== undefined) return role.id
    if (!create) throw new Error(`role ${name} does not exist after bootstrap`)
    const made = await admin.call<{ role: Named }>('POST', '/roles', { role: { name } })
    return made.role.id
  }
  const project = async (name: string, reuse: boolean): Promise<Named> => {
    if (reuse) {
      const found = await admin.call<{ projects: Named[] }>(
        'GET',
        `/projects?name=${name}&domain_id=default`,
      )
      const existing = found.projects.find((p) => p.name === name)
      if (existing !== undefined) return existing
    }
    const made = await admin.call<{ project: Named }>('POST', '/projects', {
      project: { name, domain_id: 'default', description: 'service-token matrix' },
    })
    return made.project
  }
  const user = async (name: string, on: Named, role: string): Promise<WorldUser> => {
    const password = randomBytes(12).toString('hex')
    const made = await admin.call<{ user: Named }>('POST', '/users', {
      user: { name, password, domain_id: 'default', enabled: true },
    })
    await admin.call('PUT', `/projects/${on.id}/users/${made.user.id}/roles/${role}`)
    return {
      id: made.user.id,
      username: name,
      password,
      userDomainName: 'Default',
      projectName: on.name,
      projectDomainName: 'Default',
      projectId: on.id,
    }
  }

  const member = await roleId('member', false)
  const service = await roleId('service', true)
  const matrixProject = await project(`matrix-${suffix}`, false)
  const serviceProject = await project('service', true)
  const world: MatrixWorld = {
    identityUrl,
    adminEnv,
    projectId: matrixProject.id,
    serviceProjectId: serviceProject.id,
    user: await user(`matrix-user-${suffix}`, matrixProject, member),
    service: await user(`matrix-service-${suffix}`, serviceProject, service),
    noServiceRole: await user(`matrix-norole-${suffix}`, serviceProject, member),
    middleware: await user(`matrix-authtoken-${suffix}`, serviceProject, service),
  }
  worlds.set(identityUrl, world)
  return world
}
