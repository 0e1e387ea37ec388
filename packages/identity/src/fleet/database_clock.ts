/**
 * The database's clock, in microseconds since the epoch: the one clock every node of a fleet
 * shares, so heartbeats, leases and clock-skew checks compare like with like.
 * @module
 */
import { sql } from 'kysely'
import type { StoreDatabase } from '../store/index.ts'

export async function databaseNowMicros(database: StoreDatabase): Promise<number> {
  const dialect: string = database.dialect
  const query =
    dialect === 'postgres'
      ? sql<{
          now: string | number
        }>`select (extract(epoch from clock_timestamp()) * 1000000)::bigint as now`
      : dialect === 'sqlite'
        ? sql<{
            now: string | number
          }>`select cast((julianday('now') - 2440587.5) * 86400000000.0 as integer) as now`
        : sql<{
            now: string | number
          }>`select cast(unix_timestamp(now(6)) * 1000000 as signed) as now`
  const { rows } = await query.execute(database.db)
  return Number(rows[0]?.now)
}
