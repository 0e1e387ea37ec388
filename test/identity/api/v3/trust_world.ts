/**
 * The cloud the trust tests share, on top of support.ts's seed (which keeps its `admin` caller on
 * the `admin` project): a `demo` project, alice (member, implying reader, on demo), bob (reader
 * on demo) and carol (reader on admin), each with a project-scoped stand-in token named after
 * them. It is the cloud fixtures/generate_keystone_trusts.py builds in the real Keystone.
 * @module
 */
import type { Api } from './support.ts'
import { caller } from './support.ts'

export type TrustWorld = {
  /** Keystone golden names (admin_project, demo, role_member, alice...) -> Baton IDs. */
  readonly ids: Record<string, string>
}

export async function trustWorld(api: Api): Promise<TrustWorld> {
  const s = await api.seed()
  const { store } = api
  const demo = await store.resource.createProject({ name: 'demo', domainId: s.domainId })
  const ids: Record<string, string> = {
    default: s.domainId,
    admin_project: s.projectId,
    demo: demo.id,
    admin: s.adminId,
    role_admin: s.roles.admin,
    role_member: s.roles.member,
    role_reader: s.roles.reader,
  }
  const people = [
    ['alice', 'member', demo.id, ['member', 'reader']],
    ['bob', 'reader', demo.id, ['reader']],
    ['carol', 'reader', s.projectId, ['reader']],
  ] as const
  for (const [name, role, projectId, names] of people) {
    const user = await store.identity.createUser({ name, domainId: s.domainId })
    ids[name] = user.id
    await store.assignment.grant({
      roleId: s.roles[role],
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: projectId },
    })
    api.callers.set(
      name,
      caller({
        userId: user.id,
        roles: [...names],
        roleIds: names.map((n) => s.roles[n]),
        scope: { kind: 'project', projectId, projectDomainId: s.domainId },
      }),
    )
  }
  return { ids }
}
