/**
 * python-openstackclient drives OS-EP-FILTER on a real `baton serve identity`: endpoint group
 * create/list/show/set/delete, add/remove project, `endpoint add/remove project`, the listings
 * by project and endpoint group, and a token scoped to a project with an endpoint group carries
 * the filtered catalog (`openstack catalog list` as that project's user).
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives endpoint groups on baton serve identity', {
  skip: openstackMissing,
}, () => {
  let identity: IdentityProcess
  let env: Record<string, string>
  before(async () => {
    identity = await startIdentity()
    env = identity.adminEnv
  })
  after(async () => {
    await identity?.stop()
  })

  test('endpoint group and endpoint-project commands, and the filtered catalog', async () => {
    const service = await openstackJson<Row>(
      ['service', 'create', 'compute', '--name', 'nova'],
      env,
    )
    const endpoint = await openstackJson<Row>(
      ['endpoint', 'create', String(service.id), 'public', 'http://nova.example/v2.1'],
      env,
    )
    const internal = await openstackJson<Row>(
      ['endpoint', 'create', String(service.id), 'internal', 'http://nova.internal/v2.1'],
      env,
    )
    const project = await openstackJson<Row>(['project', 'create', 'ep-filtered'], env)
    await openstackJson<Row>(
      ['user', 'create', 'ep-user', '--password', 'ep-pw', '--project', 'ep-filtered'],
      env,
    )
    await openstackOk(
      ['role', 'add', '--user', 'ep-user', '--project', 'ep-filtered', 'member'],
      env,
    )

    const filters = join(identity.dir, 'filters.json')
    writeFileSync(filters, JSON.stringify({ service_id: service.id }))
    const group = await openstackJson<Row>(
      ['endpoint', 'group', 'create', 'computes', filters, '--description', 'nova only'],
      env,
    )
    assert.equal(group.name, 'computes')
    assert.equal(group.description, 'nova only')
    const listed = await openstackJson<Row[]>(['endpoint', 'group', 'list'], env)
    assert.deepEqual(
      listed.map((g) => g.Name),
      ['computes'],
    )
    const shown = await openstackJson<Row>(['endpoint', 'group', 'show', 'computes'], env)
    assert.equal(shown.id, group.id)
    const publicOnly = join(identity.dir, 'public.json')
    writeFileSync(publicOnly, JSON.stringify({ service_id: service.id, interface: 'public' }))
    await openstackOk(
      [
        'endpoint',
        'group',
        'set',
        String(group.id),
        '--name',
        'nova-public',
        '--filters',
        publicOnly,
      ],
      env,
    )
    const changed = await openstackJson<Row>(['endpoint', 'group', 'show', String(group.id)], env)
    assert.equal(changed.name, 'nova-public')
    assert.match(JSON.stringify(changed.filters), /"interface": ?"public"/)

    await openstackOk(['endpoint', 'group', 'add', 'project', String(group.id), 'ep-filtered'], env)
    const byProject = await openstackJson<Row[]>(
      ['endpoint', 'group', 'list', '--project', 'ep-filtered'],
      env,
    )
    assert.deepEqual(
      byProject.map((g) => g.ID),
      [group.id],
    )
    const projects = await openstackJson<Row[]>(
      ['endpoint', 'group', 'list', '--endpointgroup', String(group.id)],
      env,
    )
    assert.deepEqual(
      projects.map((p) => p.ID),
      [project.id],
    )

    // the project's user sees only the group's endpoint
    const userEnv = {
      ...env,
      OS_USERNAME: 'ep-user',
      OS_PASSWORD: 'ep-pw',
      OS_PROJECT_NAME: 'ep-filtered',
    }
    const catalog = await openstackJson<Row[]>(['catalog', 'list'], userEnv)
    assert.deepEqual(
      catalog.map((c) => c.Type),
      ['compute'],
    )
    assert.match(JSON.stringify(catalog[0]?.Endpoints), /nova\.example/)
    assert.doesNotMatch(JSON.stringify(catalog[0]?.Endpoints), /nova\.internal/)

    // a direct association adds the internal endpoint
    await openstackOk(['endpoint', 'add', 'project', String(internal.id), 'ep-filtered'], env)
    const byEndpoint = await openstackJson<Row[]>(
      ['endpoint', 'list', '--project', 'ep-filtered'],
      env,
    )
    assert.deepEqual(byEndpoint.map((e) => e.ID).sort(), [endpoint.id, internal.id].sort())
    const again = await openstack(
      ['endpoint', 'add', 'project', String(internal.id), 'ep-filtered'],
      env,
    )
    assert.notEqual(again.code, 0, 'a second association is a 409')
    assert.match(again.stderr, /409|Conflict/)
    const both = await openstackJson<Row[]>(['catalog', 'list'], userEnv)
    assert.match(JSON.stringify(both[0]?.Endpoints), /nova\.internal/)
    await openstackOk(['endpoint', 'remove', 'project', String(internal.id), 'ep-filtered'], env)

    await openstackOk(
      ['endpoint', 'group', 'remove', 'project', String(group.id), 'ep-filtered'],
      env,
    )
    const unfiltered = await openstackJson<Row[]>(['catalog', 'list'], userEnv)
    assert.deepEqual(unfiltered.map((c) => c.Type).sort(), ['compute', 'identity'])
    await openstackOk(['endpoint', 'group', 'delete', String(group.id)], env)
    const gone = await openstack(['endpoint', 'group', 'show', String(group.id)], env)
    assert.notEqual(gone.code, 0)
  })
})
