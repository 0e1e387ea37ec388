/**
 * `baton bootstrap`: what `keystone-manage bootstrap` seeds (keystone/cmd/bootstrap.py), step by
 * step and idempotently: the default domain, the admin project and user, the roles admin ->
 * manager -> member -> reader plus service, the admin grants on the project and the system, the
 * region, and the identity service with its endpoints. Re-running repairs rather than duplicates:
 * a disabled admin is re-enabled and a changed password reset (which revokes the old tokens).
 * @module
 */
import { DomainNotFound, RegionNotFound } from '../errors.ts'
import type { HashPasswordOptions } from '../passwords/index.ts'
import { hashPassword, verifyPassword } from '../passwords/index.ts'
import type { EndpointInterface, Role, Store } from '../store/index.ts'

export type BootstrapRequest = {
  readonly password: string
  readonly username?: string | undefined
  readonly projectName?: string | undefined
  readonly roleName?: string | undefined
  readonly serviceName?: string | undefined
  readonly regionId?: string | undefined
  readonly publicUrl?: string | undefined
  readonly internalUrl?: string | undefined
  readonly adminUrl?: string | undefined
  /** keystone-manage's default; `--no-immutable-roles` turns it off. */
  readonly immutableRoles?: boolean | undefined
}

export type BootstrapSettings = {
  readonly defaultDomainId: string
  readonly hashing: HashPasswordOptions
  /** One line per step, as keystone-manage logs them. */
  readonly log: (line: string) => void
}

export type BootstrapResult = {
  readonly domainId: string
  readonly projectId: string
  readonly userId: string
  readonly roleIds: Readonly<Record<string, string>>
  readonly serviceId: string | null
}

export async function bootstrap(
  store: Store,
  request: BootstrapRequest,
  settings: BootstrapSettings,
): Promise<BootstrapResult> {
  const { log } = settings
  const names = {
    user: request.username ?? 'admin',
    project: request.projectName ?? 'admin',
    admin: request.roleName ?? 'admin',
  }
  const domainId = await ensureDefaultDomain(store, settings)
  const projectId = await ensureProject(store, names.project, domainId, log)
  const userId = await ensureAdminUser(store, names.user, domainId, request.password, settings)

  const immutable = request.immutableRoles ?? true
  const role = (name: string) => ensureRole(store, name, immutable, log)
  const reader = await role('reader')
  const member = await role('member')
  const manager = await role('manager')
  const admin = await role(names.admin)
  const service = await role('service')
  await ensureImplication(store, member, reader, log)
  await ensureImplication(store, manager, member, log)
  await ensureImplication(store, admin, manager, log)
  // Older bootstraps made admin imply member directly; the chain through manager replaces it.
  if (await store.assignment.hasImpliedRole(admin.id, member.id)) {
    await store.assignment.removeImpliedRole(admin.id, member.id)
    log(`Removed implied role ${admin.name} => ${member.name} (now via ${manager.name})`)
  }

  const actor = { type: 'user', id: userId } as const
  const onProject = { roleId: admin.id, actor, target: { type: 'project', id: projectId } } as const
  if (await store.assignment.hasGrant(onProject)) {
    log(`User ${names.user} already has role ${admin.name} on project ${names.project}.`)
  } else {
    await store.assignment.grant(onProject)
    log(`Granted role ${admin.name} on project ${names.project} to user ${names.user}.`)
  }
  if (await store.assignment.hasSystemGrant(actor, admin.id)) {
    log(`User ${names.user} already has role ${admin.name} on the system.`)
  } else {
    await store.assignment.grantSystem(actor, admin.id)
    log(`Granted role ${admin.name} on the system to user ${names.user}.`)
  }

  if (request.regionId !== undefined) await ensureRegion(store, request.regionId, log)
  const serviceId = await ensureIdentityCatalog(store, request, log)
  const roleIds = {
    reader: reader.id,
    member: member.id,
    manager: manager.id,
    [admin.name]: admin.id,
    service: service.id,
  }
  return { domainId, projectId, userId, roleIds, serviceId }
}

async function ensureDefaultDomain(store: Store, settings: BootstrapSettings): Promise<string> {
  const id = settings.defaultDomainId
  try {
    await store.resource.getDomain(id)
    settings.log(`Domain ${id} already exists, skipping creation.`)
  } catch (error) {
    if (!(error instanceof DomainNotFound)) throw error
    await store.resource.createDomain({
      id,
      name: 'Default',
      description: 'The default domain',
      enabled: true,
    })
    settings.log(`Created domain ${id}`)
  }
  return id
}

async function ensureProject(
  store: Store,
  name: string,
  domainId: string,
  log: (line: string) => void,
): Promise<string> {
  const existing = await store.resource.findProjectByName(name, domainId)
  if (existing !== undefined) {
    log(`Project ${name} already exists, skipping creation.`)
    return existing.id
  }
  const project = await store.resource.createProject({
    name,
    domainId,
    description: 'Bootstrap project for initializing the cloud.',
    enabled: true,
  })
  log(`Created project ${name}`)
  return project.id
}

async function ensureAdminUser(
  store: Store,
  name: string,
  domainId: string,
  password: string,
  settings: BootstrapSettings,
): Promise<string> {
  const existing = await store.identity.findUserByName(name, domainId)
  if (existing === undefined) {
    const hash = await hashPassword(password, settings.hashing)
    const user = await store.identity.createUser({
      name,
      domainId,
      enabled: true,
      password: { hash },
    })
    settings.log(`Created user ${name}`)
    return user.id
  }
  settings.log(`User ${name} already exists, skipping creation.`)
  const current = await store.identity.getPassword(existing.id)
  const matches = await verifyPassword(password, current?.hash, settings.hashing).catch(() => false)
  if (existing.enabled && matches) return existing.id
  const hash = matches ? undefined : await hashPassword(password, settings.hashing)
  await store.transaction(async (tx) => {
    if (!existing.enabled) await tx.identity.updateUser(existing.id, { enabled: true })
    if (hash !== undefined) {
      await tx.identity.setPassword(existing.id, { hash })
      // keystone update_user with a password: every earlier token of the user is revoked
      await tx.revocation.record({ userId: existing.id })
    }
  })
  if (hash !== undefined) settings.log(`Reset password for user ${name}.`)
  if (!existing.enabled) settings.log(`Enabled user ${name}.`)
  return existing.id
}

async function ensureRole(
  store: Store,
  name: string,
  immutable: boolean,
  log: (line: string) => void,
): Promise<Role> {
  const existing = await store.assignment.findRoleByName(name, null)
  if (existing !== undefined) {
    log(`Role ${name} exists, skipping creation.`)
    return existing
  }
  const role = await store.assignment.createRole({
    name,
    domainId: null,
    ...(immutable ? { options: { immutable: true } } : {}),
  })
  log(`Created role ${name}`)
  return role
}

async function ensureImplication(
  store: Store,
  prior: Role,
  implied: Role,
  log: (line: string) => void,
): Promise<void> {
  if (await store.assignment.hasImpliedRole(prior.id, implied.id)) {
    log(`Implied role where ${prior.name} implies ${implied.name} exists, skipping creation.`)
    return
  }
  await store.assignment.addImpliedRole(prior.id, implied.id)
  log(`Created implied role where ${prior.name} implies ${implied.name}`)
}

async function ensureRegion(store: Store, id: string, log: (line: string) => void): Promise<void> {
  try {
    await store.catalog.getRegion(id)
    log(`Region ${id} exists, skipping creation.`)
  } catch (error) {
    if (!(error instanceof RegionNotFound)) throw error
    await store.catalog.createRegion({ id })
    log(`Created region ${id}`)
  }
}

async function ensureIdentityCatalog(
  store: Store,
  request: BootstrapRequest,
  log: (line: string) => void,
): Promise<string | null> {
  const wanted: [EndpointInterface, string | undefined][] = [
    ['public', request.publicUrl],
    ['internal', request.internalUrl],
    ['admin', request.adminUrl],
  ]
  if (wanted.every(([, url]) => url === undefined)) return null
  const [found] = await store.catalog.listServices({ type: 'identity' })
  const service =
    found ??
    (await store.catalog.createService({
      name: request.serviceName ?? 'keystone',
      type: 'identity',
      enabled: true,
    }))
  const endpoints = await store.catalog.listEndpoints({
    serviceId: service.id,
    ...(request.regionId === undefined ? {} : { regionId: request.regionId }),
  })
  for (const [iface, url] of wanted) {
    if (url === undefined) continue
    const endpoint = endpoints.find((e) => e.interface === iface)
    if (endpoint === undefined) {
      await store.catalog.createEndpoint({
        interface: iface,
        url,
        serviceId: service.id,
        enabled: true,
        ...(request.regionId === undefined ? {} : { regionId: request.regionId }),
      })
      log(`Created ${iface} endpoint ${url}`)
    } else if (endpoint.url !== url) {
      await store.catalog.updateEndpoint(endpoint.id, { url })
      log(`Updated ${iface} endpoint to ${url}`)
    }
  }
  return service.id
}
