/**
 * The state the bad-input table runs against: one of everything the routes address.
 * @module
 */
import assert from 'node:assert/strict'
import type { Api, Seed } from './support.ts'

export type World = {
  readonly s: Seed
  /** A second, enabled domain. */
  readonly other: string
  readonly p: string
  readonly pChild: string
  readonly pFrozen: string
  readonly u: string
  readonly g: string
  readonly r: string
  readonly dr: string
  readonly otherRole: string
  readonly frozenRole: string
  readonly svc: string
  readonly ep: string
  readonly cred: string
}

export async function world(api: Api): Promise<World> {
  const s = await api.seed()
  const post = async (url: string, body: unknown, token = 'admin') => {
    const res = await api.call('POST', url, { body, token })
    assert.ok(res.status === 201, `${url}: ${res.body}`)
    return res.json
  }
  const other = (await post('/v3/domains', { domain: { name: 'other' } })).domain.id
  const p = (await post('/v3/projects', { project: { name: 'p', tags: ['t1'] } })).project.id
  const pChild = (await post('/v3/projects', { project: { name: 'pc', parent_id: p } })).project.id
  const pFrozen = (
    await post('/v3/projects', { project: { name: 'pf', options: { immutable: true } } })
  ).project.id
  const u = (await post('/v3/users', { user: { name: 'u', password: 'pw' } })).user.id
  const g = (await post('/v3/groups', { group: { name: 'g' } })).group.id
  await post('/v3/groups', { group: { name: 'g2' } })
  await api.call('PUT', `/v3/groups/${g}/users/${u}`)
  const r = (await post('/v3/roles', { role: { name: 'r' } })).role.id
  const dr = (await post('/v3/roles', { role: { name: 'dr', domain_id: s.domainId } })).role.id
  const otherRole = (await post('/v3/roles', { role: { name: 'or', domain_id: other } })).role.id
  const frozenRole = (
    await post('/v3/roles', { role: { name: 'fr', options: { immutable: true } } })
  ).role.id
  const svc = (await post('/v3/services', { service: { type: 'identity' } })).service.id
  await api.call('PUT', '/v3/regions/R1', { body: { region: {} } })
  await api.call('PUT', '/v3/regions/R1child', { body: { region: { parent_region_id: 'R1' } } })
  const ep = (
    await post('/v3/endpoints', {
      endpoint: { service_id: svc, interface: 'public', url: 'http://x', region_id: 'R1' },
    })
  ).endpoint.id
  const cred = (
    await post(`/v3/users/${s.adminId}/application_credentials`, {
      application_credential: {
        name: 'cred',
        // the admin's access rule, in use: cases name it by this ID
        access_rules: [{ id: 'admin-rule', service: 'compute', path: '/x', method: 'GET' }],
      },
    })
  ).application_credential.id
  await post(
    `/v3/users/${s.memberId}/application_credentials`,
    { application_credential: { name: 'cred' } },
    'member',
  )
  return { s, other, p, pChild, pFrozen, u, g, r, dr, otherRole, frozenRole, svc, ep, cred }
}
