/**
 * Application-credential access rules (keystone/application_credential/backends/sql.py): a user's
 * rules are shared by its credentials. A requested rule is found by its ID, else by an identical
 * (service, path, method) of the same user, else created under the requested ID; the credential
 * keeps the order it listed them in. Unlike Keystone, an ID only ever finds the caller's own rule
 * (Keystone would link another user's rule by its ID), and a rule given by ID alone must exist
 * (Keystone would store a rule of nulls).
 * @module
 */
import type { Kysely } from 'kysely'
import { AccessRuleNotFound, Forbidden } from '../errors.ts'
import type { StoreContext } from './context.ts'
import type { Schema } from './schema.ts'
import { constraintViolation, duplicateId, notFound, rethrowConflict } from './store_errors.ts'

export interface AccessRule {
  /** The public ID (Keystone's `external_id`). */
  readonly id: string
  readonly service: string
  readonly path: string
  readonly method: string
}

/** As the API received it, with an ID generated when none was given. */
export interface RequestedAccessRule {
  readonly id: string
  readonly service?: string | undefined
  readonly path?: string | undefined
  readonly method?: string | undefined
}

export interface AccessRuleFilter {
  readonly service?: string
  readonly path?: string
  readonly method?: string
}

function missing(id: string) {
  return notFound(AccessRuleNotFound, 'Access Rule', id)
}

async function resolveRule(
  trx: Kysely<Schema>,
  userId: string,
  rule: RequestedAccessRule,
): Promise<number> {
  const byId = await trx
    .selectFrom('access_rule')
    .select(['id', 'user_id'])
    .where('external_id', '=', rule.id)
    .executeTakeFirst()
  if (byId !== undefined) {
    if (byId.user_id !== userId) throw missing(rule.id)
    return byId.id
  }
  const { service, path, method } = rule
  if (service === undefined || path === undefined || method === undefined) throw missing(rule.id)
  const same = await trx
    .selectFrom('access_rule')
    .select('id')
    .where('user_id', '=', userId)
    .where('service', '=', service)
    .where('path', '=', path)
    .where('method', '=', method)
    .executeTakeFirst()
  if (same !== undefined) return same.id
  try {
    await trx
      .insertInto('access_rule')
      .values({ external_id: rule.id, user_id: userId, service, path, method })
      .execute()
    // Read back by the unique public id rather than RETURNING, which MySQL lacks.
    const row = await trx
      .selectFrom('access_rule')
      .select('id')
      .where('external_id', '=', rule.id)
      .executeTakeFirstOrThrow()
    return row.id
  } catch (error) {
    return rethrowConflict(error, 'access_rule', rule.id, () => duplicateId('access_rule', rule.id))
  }
}

/** Links `rules` to a credential being created, inside its transaction. */
export async function attachAccessRules(
  trx: Kysely<Schema>,
  userId: string,
  credentialId: string,
  rules: readonly RequestedAccessRule[],
): Promise<void> {
  const linked = new Set<number>()
  for (const rule of rules) {
    const ruleId = await resolveRule(trx, userId, rule)
    if (linked.has(ruleId)) continue // the same rule twice: once is enough
    await trx
      .insertInto('application_credential_access_rule')
      .values({
        application_credential_id: credentialId,
        access_rule_id: ruleId,
        position: linked.size,
      })
      .execute()
    linked.add(ruleId)
  }
}

/** The rules of each credential, in the credential's order. */
export async function accessRulesOf(
  db: Kysely<Schema>,
  credentialIds: readonly string[],
): Promise<Map<string, AccessRule[]>> {
  const out = new Map<string, AccessRule[]>()
  if (credentialIds.length === 0) return out
  const rows = await db
    .selectFrom('application_credential_access_rule as link')
    .innerJoin('access_rule', 'access_rule.id', 'link.access_rule_id')
    .select([
      'link.application_credential_id as credentialId',
      'access_rule.external_id as id',
      'access_rule.service',
      'access_rule.path',
      'access_rule.method',
    ])
    .where('link.application_credential_id', 'in', credentialIds)
    .orderBy('link.position')
    .execute()
  for (const { credentialId, ...rule } of rows) {
    const list = out.get(credentialId) ?? []
    list.push(rule)
    out.set(credentialId, list)
  }
  return out
}

function rulesQuery(db: Kysely<Schema>, userId: string) {
  return db
    .selectFrom('access_rule')
    .select(['external_id as id', 'service', 'path', 'method'])
    .where('user_id', '=', userId)
}

/** @throws AccessRuleNotFound, also for another user's rule */
export async function getAccessRule(
  ctx: StoreContext,
  userId: string,
  id: string,
): Promise<AccessRule> {
  const row = await rulesQuery(ctx.db, userId).where('external_id', '=', id).executeTakeFirst()
  if (row === undefined) throw missing(id)
  return row
}

export async function listAccessRules(
  ctx: StoreContext,
  userId: string,
  filter: AccessRuleFilter = {},
): Promise<AccessRule[]> {
  let query = rulesQuery(ctx.db, userId)
  if (filter.service !== undefined) query = query.where('service', '=', filter.service)
  if (filter.path !== undefined) query = query.where('path', '=', filter.path)
  if (filter.method !== undefined) query = query.where('method', '=', filter.method)
  return query.orderBy('id').execute()
}

/**
 * @throws AccessRuleNotFound (also another user's), Forbidden while a credential uses it
 * (Keystone's ForbiddenNotSecurity "May not delete access rule in use")
 */
export async function deleteAccessRule(
  ctx: StoreContext,
  userId: string,
  id: string,
): Promise<void> {
  const row = await ctx.db
    .selectFrom('access_rule')
    .select('id')
    .where('user_id', '=', userId)
    .where('external_id', '=', id)
    .executeTakeFirst()
  if (row === undefined) throw missing(id)
  const used = await ctx.db
    .selectFrom('application_credential_access_rule')
    .select('access_rule_id')
    .where('access_rule_id', '=', row.id)
    .executeTakeFirst()
  if (used !== undefined) throw new Forbidden('May not delete access rule in use')
  try {
    await ctx.db.deleteFrom('access_rule').where('id', '=', row.id).execute()
  } catch (error) {
    // a credential took it between the check and the delete: the foreign key refused
    if (constraintViolation(error) === 'foreign_key') {
      throw new Forbidden('May not delete access rule in use')
    }
    throw error
  }
}
