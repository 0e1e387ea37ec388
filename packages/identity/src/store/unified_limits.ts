/**
 * Unified limits: the repository interface and its SQL implementation
 * (keystone/limit/backends/sql.py). A limit's service, region and resource name are read
 * through its registered limit. Duplicates are Keystone's Conflicts ("Duplicate entry"), found
 * by a query first and, under concurrent writers, by the unique indexes of the migration.
 * @module
 */
import type { Selectable } from 'kysely'
import { LimitNotFound, RegisteredLimitNotFound } from '../errors.ts'
import type { StoreContext } from './context.ts'
import type { RegisteredLimitTable } from './schema.ts'
import { conflict, constraintViolation } from './store_errors.ts'

export interface RegisteredLimit {
  readonly id: string
  readonly serviceId: string
  readonly regionId: string | null
  readonly resourceName: string
  readonly defaultLimit: number
  readonly description: string | null
}

export interface Limit {
  readonly id: string
  readonly projectId: string | null
  readonly domainId: string | null
  readonly registeredLimitId: string
  readonly serviceId: string
  readonly regionId: string | null
  readonly resourceName: string
  readonly resourceLimit: number
  readonly description: string | null
}

export type NewRegisteredLimit = Omit<RegisteredLimit, never>
export type RegisteredLimitPatch = Partial<Omit<RegisteredLimit, 'id'>>

export interface NewLimit {
  readonly id: string
  readonly projectId: string | null
  readonly domainId: string | null
  readonly registeredLimitId: string
  readonly resourceLimit: number
  readonly description: string | null
}

export interface LimitPatch {
  readonly resourceLimit?: number
  readonly description?: string | null
}

/** Exact matches; `regionId: null` matches limits without a region (SQL `IS NULL`). */
export interface RegisteredLimitFilter {
  readonly serviceId?: string
  readonly regionId?: string | null
  readonly resourceName?: string
}

export interface LimitFilter extends RegisteredLimitFilter {
  readonly projectId?: string
  readonly domainId?: string
}

export interface UnifiedLimitRepository {
  /** @throws Conflict (same service, region and resource name) */
  createRegisteredLimit(input: NewRegisteredLimit): Promise<RegisteredLimit>
  /** @throws RegisteredLimitNotFound */
  getRegisteredLimit(id: string): Promise<RegisteredLimit>
  listRegisteredLimits(filter?: RegisteredLimitFilter): Promise<RegisteredLimit[]>
  /** @throws Conflict */
  updateRegisteredLimit(id: string, patch: RegisteredLimitPatch): Promise<RegisteredLimit>
  /** @throws RegisteredLimitNotFound */
  deleteRegisteredLimit(id: string): Promise<void>
  /** True when some limit overrides it (it may then be neither updated nor deleted). */
  isRegisteredLimitReferenced(id: string): Promise<boolean>
  /** @throws Conflict (same registered limit and project or domain) */
  createLimit(input: NewLimit): Promise<Limit>
  /** @throws LimitNotFound */
  getLimit(id: string): Promise<Limit>
  listLimits(filter?: LimitFilter): Promise<Limit[]>
  /** @throws LimitNotFound */
  updateLimit(id: string, patch: LimitPatch): Promise<Limit>
  /** @throws LimitNotFound */
  deleteLimit(id: string): Promise<void>
}

function toRegisteredLimit(row: Selectable<RegisteredLimitTable>): RegisteredLimit {
  return {
    id: row.id,
    serviceId: row.service_id,
    regionId: row.region_id,
    resourceName: row.resource_name,
    defaultLimit: Number(row.default_limit),
    description: row.description,
  }
}

const duplicate = (type: string) => conflict(type, 'Duplicate entry')

function rethrowDuplicate(error: unknown, type: string): never {
  const violation = constraintViolation(error)
  if (violation === 'unique' || violation === 'primary_key') throw duplicate(type)
  throw error
}

export function createUnifiedLimitRepository(ctx: StoreContext): UnifiedLimitRepository {
  const registered = () => ctx.db.selectFrom('registered_limit').selectAll()
  const limits = () =>
    ctx.db
      .selectFrom('limit')
      .innerJoin('registered_limit as r', 'r.id', 'limit.registered_limit_id')
      .select([
        'limit.id',
        'limit.project_id',
        'limit.domain_id',
        'limit.registered_limit_id',
        'limit.resource_limit',
        'limit.description',
        'r.service_id',
        'r.region_id',
        'r.resource_name',
      ])
  type LimitRow = Awaited<ReturnType<ReturnType<typeof limits>['executeTakeFirstOrThrow']>>
  const toLimit = (row: LimitRow): Limit => ({
    id: row.id,
    projectId: row.project_id,
    domainId: row.domain_id,
    registeredLimitId: row.registered_limit_id,
    serviceId: row.service_id,
    regionId: row.region_id,
    resourceName: row.resource_name,
    resourceLimit: Number(row.resource_limit),
    description: row.description,
  })

  async function listRegistered(filter: RegisteredLimitFilter = {}) {
    let query = registered()
    if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId)
    if (filter.resourceName !== undefined) {
      query = query.where('resource_name', '=', filter.resourceName)
    }
    if (filter.regionId === null) query = query.where('region_id', 'is', null)
    else if (filter.regionId !== undefined) query = query.where('region_id', '=', filter.regionId)
    return (await query.orderBy('id').execute()).map(toRegisteredLimit)
  }

  async function getRegistered(id: string) {
    const row = await registered().where('id', '=', id).executeTakeFirst()
    if (!row) throw new RegisteredLimitNotFound(`Could not find registered limit for ${id}.`)
    return toRegisteredLimit(row)
  }

  async function getLimit(id: string) {
    const row = await limits().where('limit.id', '=', id).executeTakeFirst()
    if (!row) throw new LimitNotFound(`Could not find limit for ${id}.`)
    return toLimit(row)
  }

  return {
    async createRegisteredLimit(input) {
      const same = await listRegistered(input)
      if (same.length > 0) throw duplicate('registered_limit')
      try {
        await ctx.db
          .insertInto('registered_limit')
          .values({
            id: input.id,
            service_id: input.serviceId,
            region_id: input.regionId,
            resource_name: input.resourceName,
            default_limit: input.defaultLimit,
            description: input.description,
          })
          .execute()
      } catch (error) {
        rethrowDuplicate(error, 'registered_limit')
      }
      return getRegistered(input.id)
    },
    getRegisteredLimit: getRegistered,
    listRegisteredLimits: listRegistered,
    async updateRegisteredLimit(id, patch) {
      const set: Partial<RegisteredLimitTable> = {}
      if (patch.serviceId !== undefined) set.service_id = patch.serviceId
      if (patch.regionId !== undefined) set.region_id = patch.regionId
      if (patch.resourceName !== undefined) set.resource_name = patch.resourceName
      if (patch.defaultLimit !== undefined) set.default_limit = patch.defaultLimit
      if (patch.description !== undefined) set.description = patch.description
      if (Object.keys(set).length > 0) {
        try {
          await ctx.db.updateTable('registered_limit').set(set).where('id', '=', id).execute()
        } catch (error) {
          rethrowDuplicate(error, 'registered_limit')
        }
      }
      return getRegistered(id)
    },
    async deleteRegisteredLimit(id) {
      const result = await ctx.db
        .deleteFrom('registered_limit')
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) {
        throw new RegisteredLimitNotFound(`Could not find registered limit for ${id}.`)
      }
    },
    async isRegisteredLimitReferenced(id) {
      const row = await ctx.db
        .selectFrom('limit')
        .select('id')
        .where('registered_limit_id', '=', id)
        .executeTakeFirst()
      return row !== undefined
    },
    async createLimit(input) {
      let same = ctx.db
        .selectFrom('limit')
        .select('id')
        .where('registered_limit_id', '=', input.registeredLimitId)
      same =
        input.projectId !== null
          ? same.where('project_id', '=', input.projectId)
          : same.where('domain_id', '=', input.domainId ?? '')
      if (await same.executeTakeFirst()) throw duplicate('limit')
      try {
        await ctx.db.insertInto('limit').values(inputRow(input)).execute()
      } catch (error) {
        rethrowDuplicate(error, 'limit')
      }
      return getLimit(input.id)
    },
    getLimit,
    async listLimits(filter = {}) {
      let query = limits()
      if (filter.serviceId !== undefined) query = query.where('r.service_id', '=', filter.serviceId)
      if (filter.resourceName !== undefined) {
        query = query.where('r.resource_name', '=', filter.resourceName)
      }
      if (filter.regionId === null) query = query.where('r.region_id', 'is', null)
      else if (filter.regionId !== undefined) {
        query = query.where('r.region_id', '=', filter.regionId)
      }
      if (filter.projectId !== undefined) {
        query = query.where('limit.project_id', '=', filter.projectId)
      }
      if (filter.domainId !== undefined)
        query = query.where('limit.domain_id', '=', filter.domainId)
      return (await query.orderBy('limit.id').execute()).map(toLimit)
    },
    async updateLimit(id, patch) {
      await getLimit(id)
      const set: { resource_limit?: number; description?: string | null } = {}
      if (patch.resourceLimit !== undefined) set.resource_limit = patch.resourceLimit
      if (patch.description !== undefined) set.description = patch.description
      if (Object.keys(set).length > 0) {
        await ctx.db.updateTable('limit').set(set).where('id', '=', id).execute()
      }
      return getLimit(id)
    },
    async deleteLimit(id) {
      const result = await ctx.db.deleteFrom('limit').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) {
        throw new LimitNotFound(`Could not find limit for ${id}.`)
      }
    },
  }
}

function inputRow(input: NewLimit) {
  return {
    id: input.id,
    project_id: input.projectId,
    domain_id: input.domainId,
    registered_limit_id: input.registeredLimitId,
    resource_limit: input.resourceLimit,
    description: input.description,
  }
}
