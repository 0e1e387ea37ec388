/**
 * The state the bad-input table runs against: one of everything the routes address.
 * @module
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { type Api, caller, type Seed } from './support.ts'

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
  /** The admin's `cert` credential (/v3/credentials). */
  readonly blobCred: string
  /** The member's EC2 access key (OS-EC2). */
  readonly ec2Access: string
  readonly ec2Secret: string
  /** The admin's EC2 access key. */
  readonly adminEc2Access: string
  /** A registered limit (cores, no region) of `svc`, and a limit of the seed project on it. */
  readonly rl: string
  readonly lim: string
  readonly pol: string
  /** member's trust to `u` on the seed project (member role); admin's trust to `u`. */
  readonly trust: string
  readonly adminTrust: string
  /** An OS-OAUTH1 consumer. */
  readonly consumer: string
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
  const blobCred = (
    await post('/v3/credentials', { credential: { type: 'cert', user_id: s.adminId, blob: 'b' } })
  ).credential.id
  const ec2 = (
    await post(`/v3/users/${s.memberId}/credentials/OS-EC2`, { tenant_id: s.projectId }, 'member')
  ).credential
  const ec2Access: string = ec2.access
  const ec2Secret: string = ec2.secret
  const adminEc2Access = (
    await post(`/v3/users/${s.adminId}/credentials/OS-EC2`, { tenant_id: s.projectId })
  ).credential.access
  // a `cert` credential whose ID is what OS-EC2 would look up for the access key `cert-access`
  const certRow = await api.store.credentials.get(blobCred)
  await api.store.credentials.create({
    ...certRow,
    id: createHash('sha256').update('cert-access').digest('hex'),
  })
  // a member of another project, for limits it does not own
  api.callers.set(
    'far',
    caller({
      userId: u,
      roles: ['member', 'reader'],
      scope: { kind: 'project', projectId: p, projectDomainId: s.domainId },
    }),
  )
  const rl = (
    await post('/v3/registered_limits', {
      registered_limits: [{ service_id: svc, resource_name: 'cores', default_limit: 10 }],
    })
  ).registered_limits[0].id
  const lim = (
    await post('/v3/limits', {
      limits: [
        { project_id: s.projectId, service_id: svc, resource_name: 'cores', resource_limit: 5 },
      ],
    })
  ).limits[0].id
  const pol = (await post('/v3/policies', { policy: { blob: '{}', type: 'application/json' } }))
    .policy.id
  const trustBody = (trustor: string, role: string) => ({
    trust: {
      trustor_user_id: trustor,
      trustee_user_id: u,
      project_id: s.projectId,
      impersonation: false,
      roles: [{ id: role }],
    },
  })
  const trust = (await post('/v3/OS-TRUST/trusts', trustBody(s.memberId, s.roles.member), 'member'))
    .trust.id
  const adminTrust = (await post('/v3/OS-TRUST/trusts', trustBody(s.adminId, s.roles.admin))).trust
    .id
  const consumer = (await post('/v3/OS-OAUTH1/consumers', { consumer: { description: 'c' } }))
    .consumer.id
  return {
    s,
    other,
    p,
    pChild,
    pFrozen,
    u,
    g,
    r,
    dr,
    otherRole,
    frozenRole,
    svc,
    ep,
    cred,
    blobCred,
    ec2Access,
    ec2Secret,
    adminEc2Access,
    rl,
    lim,
    pol,
    trust,
    adminTrust,
    consumer,
  }
}
