/**
 * Registered limits and limits between the API and the store (keystone/limit/core.py and
 * backends/sql.py): every referenced service, region, project and domain must exist (a 400
 * naming the attribute), a project ID naming a domain makes a domain limit, a limit needs a
 * registered limit for its service, region and resource (403), duplicates are 409s, a registered
 * limit that limits override can be neither updated nor deleted (403), and the enforcement model
 * checks every new or changed limit. Callers run these inside one store transaction.
 * @module
 */
import { Conflict, expectingToFind, Forbidden, NotFound } from '../../errors.ts'
import type { Limit, RegisteredLimit, Store } from '../../store/index.ts'
import type { Rendered } from './entities.ts'
import type { LimitModel, LimitShape } from './limit_models.ts'

export function renderRegisteredLimit(r: RegisteredLimit): Rendered {
  return {
    id: r.id,
    service_id: r.serviceId,
    region_id: r.regionId,
    resource_name: r.resourceName,
    default_limit: r.defaultLimit,
    description: r.description,
  }
}

export function renderLimit(l: Limit): Rendered {
  return {
    id: l.id,
    project_id: l.projectId,
    domain_id: l.domainId,
    resource_limit: l.resourceLimit,
    description: l.description,
    service_id: l.serviceId,
    region_id: l.regionId,
    resource_name: l.resourceName,
  }
}

type Body = Record<string, unknown>

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** `_assert_resource_exist`; returns the body with a domain's project ID moved to domain_id. */
async function assertResourcesExist(store: Store, body: Body, target: string): Promise<Body> {
  const out = { ...body }
  const refuse = (attribute: string) => (error: unknown) => {
    if (error instanceof NotFound) throw expectingToFind(attribute, target)
    throw error
  }
  const serviceId = str(out.service_id)
  if (serviceId !== undefined) await store.catalog.getService(serviceId).catch(refuse('service_id'))
  const regionId = str(out.region_id)
  if (regionId !== undefined) await store.catalog.getRegion(regionId).catch(refuse('region_id'))
  const projectId = str(out.project_id)
  if (projectId !== undefined) {
    const project = await store.resource.getProject(projectId).catch(refuse('project_id'))
    if (project.isDomain) {
      out.domain_id = projectId
      delete out.project_id
    }
  }
  const domainId = str(out.domain_id)
  if (domainId !== undefined) await store.resource.getDomain(domainId).catch(refuse('domain_id'))
  return out
}

function referenced(id: string): Forbidden {
  return new Forbidden(
    `Unable to update or delete registered limit ${id} because there are project limits ` +
      'associated with it.',
  )
}

/** POST /v3/registered_limits: each body already has its new `id`. */
export async function createRegisteredLimits(
  store: Store,
  bodies: readonly Body[],
): Promise<RegisteredLimit[]> {
  for (const body of bodies) await assertResourcesExist(store, body, 'registered_limit')
  const created: RegisteredLimit[] = []
  for (const body of bodies) {
    created.push(
      await store.unifiedLimits.createRegisteredLimit({
        id: String(body.id),
        serviceId: String(body.service_id),
        regionId: str(body.region_id) ?? null,
        resourceName: String(body.resource_name),
        defaultLimit: Number(body.default_limit),
        description: str(body.description) ?? null,
      }),
    )
  }
  return created
}

export async function updateRegisteredLimit(
  store: Store,
  id: string,
  patch: Body,
): Promise<RegisteredLimit> {
  await assertResourcesExist(store, patch, 'registered_limit')
  const old = await store.unifiedLimits.getRegisteredLimit(id)
  if (await store.unifiedLimits.isRegisteredLimitReferenced(id)) throw referenced(id)
  const has = (key: string) => Object.hasOwn(patch, key)
  const merged = {
    serviceId: has('service_id') ? String(patch.service_id) : old.serviceId,
    regionId: has('region_id') ? (str(patch.region_id) ?? null) : old.regionId,
    resourceName: has('resource_name') ? String(patch.resource_name) : old.resourceName,
  }
  // Keystone checks the merged triple whenever one of them is in the body, so a body repeating
  // the current values finds the limit itself: a Conflict, as in Keystone.
  if (patch.service_id || has('region_id') || patch.resource_name) {
    if ((await store.unifiedLimits.listRegisteredLimits(merged)).length > 0) {
      throw new Conflict(
        'Conflict occurred attempting to store registered_limit - Duplicate entry.',
      )
    }
  }
  return store.unifiedLimits.updateRegisteredLimit(id, {
    ...merged,
    ...(has('default_limit') ? { defaultLimit: Number(patch.default_limit) } : {}),
    ...(has('description') ? { description: str(patch.description) ?? null } : {}),
  })
}

export async function deleteRegisteredLimit(store: Store, id: string): Promise<void> {
  await store.unifiedLimits.getRegisteredLimit(id)
  if (await store.unifiedLimits.isRegisteredLimitReferenced(id)) throw referenced(id)
  await store.unifiedLimits.deleteRegisteredLimit(id)
}

/** POST /v3/limits: each body already has its new `id`. */
export async function createLimits(
  store: Store,
  model: LimitModel,
  bodies: readonly Body[],
): Promise<Limit[]> {
  const limits: Body[] = []
  for (const body of bodies) limits.push(await assertResourcesExist(store, body, 'limit'))
  await model.checkLimits(store, limits as unknown as LimitShape[])
  const created: Limit[] = []
  for (const limit of limits) {
    const [registered] = await store.unifiedLimits.listRegisteredLimits({
      serviceId: String(limit.service_id),
      resourceName: String(limit.resource_name),
      regionId: str(limit.region_id) ?? null,
    })
    if (!registered) {
      throw new Forbidden('Unable to create a limit that has no corresponding registered limit.')
    }
    created.push(
      await store.unifiedLimits.createLimit({
        id: String(limit.id),
        projectId: str(limit.project_id) ?? null,
        domainId: str(limit.domain_id) ?? null,
        registeredLimitId: registered.id,
        resourceLimit: Number(limit.resource_limit),
        description: str(limit.description) ?? null,
      }),
    )
  }
  return created
}

/**
 * PATCH /v3/limits/{id}. As Keystone's driver, only a truthy `resource_limit` or `description`
 * is written (0, '' and null leave the stored value), though the model checks the merged limit.
 */
export async function updateLimit(
  store: Store,
  model: LimitModel,
  id: string,
  patch: Body,
): Promise<Limit> {
  const old = renderLimit(await store.unifiedLimits.getLimit(id))
  await model.checkLimits(store, [{ ...old, ...patch } as unknown as LimitShape])
  return store.unifiedLimits.updateLimit(id, {
    ...(patch.resource_limit ? { resourceLimit: Number(patch.resource_limit) } : {}),
    ...(patch.description ? { description: String(patch.description) } : {}),
  })
}
