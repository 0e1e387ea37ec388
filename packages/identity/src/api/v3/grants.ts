/**
 * Role grants on projects and domains for users and groups, plain (keystone/api/projects.py,
 * keystone/api/domains.py) and OS-INHERIT inherited to projects (keystone/api/os_inherit.py):
 * `PUT` 204 (idempotent), `GET`/`HEAD` 204 or 404, `DELETE` 204, and the role lists. The three
 * families build their policy targets differently, and that decides which 404 comes first:
 * project grants look up role, actor, project; domain grants domain, role, actor; OS-INHERIT
 * looks nothing up before policy.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import {
  renderDomain,
  renderGroup,
  renderProject,
  renderRole,
  renderUser,
} from '../../core/resources/entities.ts'
import {
  checkGrant,
  createGrant,
  type GrantKey,
  listGrants,
  revokeGrant,
} from '../../core/resources/grants.ts'
import type { Actor, GrantTarget } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Router } from '../router.ts'
import { authorize, orNothing, param, wrapCollection } from './route_kit.ts'

type Family = 'project' | 'domain' | 'inherit'
type Spec = {
  readonly family: Family
  readonly targetType: GrantTarget['type']
  readonly actorType: Actor['type']
}

export function registerGrantRoutes(router: Router, ctx: ApiContext): void {
  for (const actorType of ['user', 'group'] as const) {
    const actors = `${actorType}s/:actor_id`
    register(
      router,
      ctx,
      { family: 'project', targetType: 'project', actorType },
      {
        list: `/v3/projects/:target_id/${actors}/roles`,
        one: `/v3/projects/:target_id/${actors}/roles/:role_id`,
      },
    )
    register(
      router,
      ctx,
      { family: 'domain', targetType: 'domain', actorType },
      {
        list: `/v3/domains/:target_id/${actors}/roles`,
        one: `/v3/domains/:target_id/${actors}/roles/:role_id`,
      },
    )
    register(
      router,
      ctx,
      { family: 'inherit', targetType: 'domain', actorType },
      {
        list: `/v3/OS-INHERIT/domains/:target_id/${actors}/roles/inherited_to_projects`,
        one: `/v3/OS-INHERIT/domains/:target_id/${actors}/roles/:role_id/inherited_to_projects`,
      },
    )
    register(
      router,
      ctx,
      { family: 'inherit', targetType: 'project', actorType },
      {
        one: `/v3/OS-INHERIT/projects/:target_id/${actors}/roles/:role_id/inherited_to_projects`,
      },
    )
  }
}

function register(
  router: Router,
  ctx: ApiContext,
  spec: Spec,
  paths: { readonly list?: string; readonly one: string },
): void {
  const inherited = spec.family === 'inherit'
  const key = (req: FastifyRequest): GrantKey => ({
    roleId: param(req, 'role_id'),
    actor: { type: spec.actorType, id: param(req, 'actor_id') },
    target: { type: spec.targetType, id: param(req, 'target_id') },
    inherited,
  })
  const target =
    (req: FastifyRequest, options: { role: boolean; allowMissing: boolean }) => async () => ({
      target: await grantTarget(ctx, req, spec, options),
    })

  if (paths.list !== undefined) {
    router.route('GET', paths.list, async (req) => {
      await authorize(
        ctx,
        req,
        'identity:list_grants',
        target(req, { role: false, allowMissing: false }),
      )
      const { actor, target: on } = key(req)
      const roles = await listGrants(ctx.store, actor, on, inherited)
      return ok(wrapCollection(ctx, req, 'roles', 'roles', roles.map(renderRole)))
    })
  }
  router.route('GET', paths.one, async (req) => {
    await authorize(
      ctx,
      req,
      'identity:check_grant',
      target(req, { role: true, allowMissing: false }),
    )
    await checkGrant(ctx.store, key(req))
    return noContent()
  })
  router.route('PUT', paths.one, async (req) => {
    await authorize(
      ctx,
      req,
      'identity:create_grant',
      target(req, { role: true, allowMissing: false }),
    )
    await ctx.store.transaction((store) => createGrant(store, key(req)))
    return noContent()
  })
  router.route('DELETE', paths.one, async (req) => {
    await authorize(
      ctx,
      req,
      'identity:revoke_grant',
      target(req, { role: true, allowMissing: true }),
    )
    await ctx.store.transaction((store) => revokeGrant(store, key(req)))
    return noContent()
  })
}

/** The three `_build_enforcement_target*` variants, in their lookup order. */
async function grantTarget(
  ctx: ApiContext,
  req: FastifyRequest,
  spec: Spec,
  options: { readonly role: boolean; readonly allowMissing: boolean },
): Promise<Record<string, unknown>> {
  const { store } = ctx
  const swallow = spec.family === 'inherit'
  const lookup = async <T>(get: () => Promise<T>, missingOk: boolean): Promise<T | undefined> =>
    missingOk ? orNothing(get) : get()
  const out: Record<string, unknown> = {}
  const onTarget = async () => {
    const id = param(req, 'target_id')
    if (spec.targetType === 'domain') {
      const domain = await lookup(() => store.resource.getDomain(id), swallow)
      out.domain = domain === undefined ? {} : renderDomain(domain)
    } else {
      const project = await lookup(() => store.resource.getProject(id), swallow)
      out.project = project === undefined ? {} : renderProject(project)
    }
  }
  const onRole = async () => {
    if (!options.role) return
    const role = await lookup(() => store.assignment.getRole(param(req, 'role_id')), swallow)
    out.role = role === undefined ? {} : renderRole(role)
  }
  const onActor = async () => {
    const id = param(req, 'actor_id')
    const missingOk = swallow || options.allowMissing
    if (spec.actorType === 'user') {
      const user = await lookup(() => store.identity.getUser(id), missingOk)
      if (user !== undefined) out.user = renderUser(user)
      else if (!options.allowMissing) out.user = {}
    } else {
      const group = await lookup(() => store.identity.getGroup(id), missingOk)
      if (group !== undefined) out.group = renderGroup(group)
      else if (!options.allowMissing) out.group = {}
    }
  }
  const order =
    spec.family === 'project' ? [onRole, onActor, onTarget] : [onTarget, onRole, onActor]
  for (const step of order) await step()
  return out
}
