/**
 * The unified-limit enforcement models (keystone/limit/models/{flat,strict_two_level}.py),
 * chosen by `[unified_limit] enforcement_model`. `flat` accepts any value; `strict_two_level`
 * keeps a project's limit at or below its domain's (the domain's registered default when the
 * domain has none) and a domain's at or above every limit of its projects, and caps the project
 * tree at two levels under the domain.
 * @module
 */
import { Forbidden } from '../../errors.ts'
import type { Store } from '../../store/index.ts'

/** A limit as the checks see it, in the API's names (a create body entry or a merged update). */
export interface LimitShape {
  readonly project_id?: string | null
  readonly domain_id?: string | null
  readonly service_id: string
  readonly region_id?: string | null
  readonly resource_name: string
  readonly resource_limit: number
}

export interface LimitModel {
  readonly name: string
  readonly description: string
  /** Deepest project tree the model allows below a domain; null for no bound of its own. */
  readonly maxProjectTreeDepth: number | null
  /** @throws Forbidden (Keystone's InvalidLimit) */
  checkLimits(store: Store, limits: readonly LimitShape[]): Promise<void>
}

export const FLAT_MODEL: LimitModel = {
  name: 'flat',
  description:
    'Limit enforcement and validation does not take project hierarchy into consideration.',
  maxProjectTreeDepth: null,
  checkLimits: async () => undefined,
}

export const STRICT_TWO_LEVEL_MODEL: LimitModel = {
  name: 'strict_two_level',
  description: 'This model requires project hierarchy never exceeds a depth of two',
  maxProjectTreeDepth: 2,
  checkLimits: checkStrictTwoLevel,
}

export function limitModel(name: string): LimitModel {
  return name === STRICT_TWO_LEVEL_MODEL.name ? STRICT_TWO_LEVEL_MODEL : FLAT_MODEL
}

/** Thrown inside the check, reported as Keystone's InvalidLimit naming the whole limit. */
class Breaks extends Error {}

async function checkStrictTwoLevel(store: Store, limits: readonly LimitShape[]): Promise<void> {
  for (const limit of limits) {
    try {
      await checkOne(store, limit, limits)
    } catch (error) {
      if (!(error instanceof Breaks)) throw error
      const level = limit.project_id ? 'project_id' : 'domain_id'
      throw new Forbidden(
        `Invalid resource limit: The resource limit (${level}: ` +
          `${py(limit.project_id || limit.domain_id)}, resource_name: ${limit.resource_name}, ` +
          `resource_limit: ${limit.resource_limit}, service_id: ${limit.service_id}, ` +
          `region_id: ${py(limit.region_id)}) doesn't satisfy current hierarchy model..`,
      )
    }
  }
}

/** Python's `%s` of an optional string. */
function py(value: string | null | undefined): string {
  return value ?? 'None'
}

function sameResource(a: LimitShape, b: LimitShape): boolean {
  return (
    a.service_id === b.service_id &&
    (a.region_id ?? null) === (b.region_id ?? null) &&
    a.resource_name === b.resource_name
  )
}

async function checkOne(store: Store, limit: LimitShape, batch: readonly LimitShape[]) {
  if (limit.project_id) {
    // A project's parent is its domain: first a limit for it in the same request, if any.
    const parentId = (await store.resource.getProject(limit.project_id)).parentId
    const inBatch = batch.find((x) => x.domain_id === parentId && sameResource(x, limit))
    if (inBatch) {
      if (limit.resource_limit > inBatch.resource_limit) throw new Breaks()
      return
    }
    if (!parentId) return
    const parentValue = await specifiedValue(store, limit, { domainId: parentId })
    // Keystone tests the parent's value for truth: a parent limit of 0 bounds nothing.
    if (parentValue && limit.resource_limit > parentValue) throw new Breaks()
    return
  }
  if (!limit.domain_id) return
  for (const project of await store.resource.listProjects({ domainId: limit.domain_id })) {
    const childValue = await specifiedValue(store, limit, { projectId: project.id })
    if (childValue && limit.resource_limit < childValue) throw new Breaks()
  }
}

/** The owner's limit for the resource; for a domain without one, the registered default. */
async function specifiedValue(
  store: Store,
  limit: LimitShape,
  owner: { projectId: string } | { domainId: string },
): Promise<number | undefined> {
  const resource = {
    serviceId: limit.service_id,
    resourceName: limit.resource_name,
    regionId: limit.region_id ?? null,
  }
  const found = await store.unifiedLimits.listLimits({ ...resource, ...owner })
  if (found[0]) return found[0].resourceLimit
  if (!('domainId' in owner)) return undefined
  return (await store.unifiedLimits.listRegisteredLimits(resource))[0]?.defaultLimit
}
