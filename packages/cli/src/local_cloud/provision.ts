/**
 * Makes identity know the local cloud, idempotently and over the v3 API as the admin (what an
 * operator does with openstackclient): the `service` project, a service user per service holding the
 * `service` role there, and catalog entries (public and internal) at the planned ports. When the
 * passwords were generated afresh (secrets.json deleted), existing service users get the new ones.
 * @module
 */
import { adminApi, ensure, type Json } from './identity_admin.ts'
import { type CloudPlan, SERVICE_FACTS, SERVICES, urlOf } from './plan.ts'
import type { CloudSecrets } from './secrets.ts'

export async function provisionCloud(
  plan: CloudPlan,
  secrets: CloudSecrets,
  resetPasswords = false,
): Promise<void> {
  const api = await adminApi(urlOf(plan, 'identity'), secrets.admin)
  const project = await ensure(api, 'projects', 'project', 'name=service&domain_id=default', {
    name: 'service',
    domain_id: 'default',
    description: 'Service users of the local cloud',
  })
  const role = await ensure(api, 'roles', 'role', 'name=service', { name: 'service' })
  for (const service of SERVICES) {
    const { serviceUser, catalog } = SERVICE_FACTS[service]
    const password = secrets.users[serviceUser] ?? ''
    const query = `name=${serviceUser}&domain_id=default`
    const existing = ((await api('GET', `/users?${query}`)).users as Json[] | undefined)?.[0]
    const userId =
      existing === undefined
        ? await ensure(api, 'users', 'user', query, {
            name: serviceUser,
            password,
            domain_id: 'default',
            default_project_id: project,
          })
        : String(existing.id)
    if (existing !== undefined && resetPasswords) {
      await api('PATCH', `/users/${userId}`, { user: { password } })
    }
    await api('PUT', `/projects/${project}/users/${userId}/roles/${role}`)
    const serviceId = await ensure(api, 'services', 'service', `type=${catalog.type}`, {
      type: catalog.type,
      name: catalog.name,
      description: catalog.description,
    })
    const url = `${urlOf(plan, service)}${catalog.path}`
    const endpoints = (await api('GET', `/endpoints?service_id=${serviceId}`)).endpoints as Json[]
    for (const iface of ['public', 'internal']) {
      const existing = endpoints.find((e) => e.interface === iface)
      if (existing === undefined) {
        await api('POST', '/endpoints', {
          endpoint: { service_id: serviceId, interface: iface, url, region_id: 'RegionOne' },
        })
      } else if (existing.url !== url) {
        await api('PATCH', `/endpoints/${String(existing.id)}`, { endpoint: { url } })
      }
    }
  }
}
