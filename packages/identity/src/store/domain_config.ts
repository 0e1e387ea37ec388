/**
 * Domain configuration rows (migration 0012), as Keystone's sql config backend keeps them:
 * `replace` overwrites a domain's whole configuration, `upsert` replaces single options, `remove`
 * deletes the whole configuration, a group or one option. Sensitivity is the caller's decision.
 * @module
 */
import { asBool } from './codecs.ts'
import type { StoreContext } from './context.ts'
import { inTransaction } from './context.ts'

export interface DomainConfigOption {
  readonly group: string
  readonly option: string
  /** Any JSON value. */
  readonly value: unknown
  readonly sensitive: boolean
}

export interface DomainConfigRepository {
  listOptions(domainId: string, group?: string, option?: string): Promise<DomainConfigOption[]>
  replaceOptions(domainId: string, options: readonly DomainConfigOption[]): Promise<void>
  upsertOptions(domainId: string, options: readonly DomainConfigOption[]): Promise<void>
  removeOptions(domainId: string, group?: string, option?: string): Promise<void>
}

export function createDomainConfigRepository(ctx: StoreContext): DomainConfigRepository {
  const insert = (
    db: StoreContext['db'],
    domainId: string,
    options: readonly DomainConfigOption[],
  ) =>
    options.length === 0
      ? Promise.resolve()
      : db
          .insertInto('domain_config')
          .values(
            options.map((o) => ({
              domain_id: domainId,
              group_name: o.group,
              option_name: o.option,
              value: JSON.stringify(o.value),
              sensitive: o.sensitive,
            })),
          )
          .execute()
          .then(() => undefined)
  return {
    async listOptions(domainId, group, option) {
      let query = ctx.db.selectFrom('domain_config').selectAll().where('domain_id', '=', domainId)
      if (group !== undefined) query = query.where('group_name', '=', group)
      if (option !== undefined) query = query.where('option_name', '=', option)
      const rows = await query.orderBy('group_name').orderBy('option_name').execute()
      return rows.map((r) => ({
        group: r.group_name,
        option: r.option_name,
        value: JSON.parse(r.value) as unknown,
        sensitive: asBool(r.sensitive),
      }))
    },
    replaceOptions: (domainId, options) =>
      inTransaction(ctx, async (trx) => {
        await trx.deleteFrom('domain_config').where('domain_id', '=', domainId).execute()
        await insert(trx, domainId, options)
      }),
    upsertOptions: (domainId, options) =>
      inTransaction(ctx, async (trx) => {
        for (const o of options) {
          await trx
            .deleteFrom('domain_config')
            .where('domain_id', '=', domainId)
            .where('group_name', '=', o.group)
            .where('option_name', '=', o.option)
            .execute()
        }
        await insert(trx, domainId, options)
      }),
    async removeOptions(domainId, group, option) {
      let query = ctx.db.deleteFrom('domain_config').where('domain_id', '=', domainId)
      if (group !== undefined) {
        query = query.where('group_name', '=', group)
        if (option !== undefined) query = query.where('option_name', '=', option)
      }
      await query.execute()
    },
  }
}
