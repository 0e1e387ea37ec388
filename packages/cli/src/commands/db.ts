/**
 * `baton db sync|version`: keystone-manage db_sync / db_version for `[database] connection`.
 * @module
 */
import { syncDatabase } from '@baton/identity'
import type { Command } from 'commander'
import { loadIdentityConfig, withConfigFiles } from '../config_files.ts'
import type { CliIo } from '../io.ts'

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description('manage the identity database schema')
  withConfigFiles(db.command('sync').description('apply every pending schema migration')).action(
    async (options: { configFile: string[] }) => {
      const applied = await syncDatabase(loadIdentityConfig(options.configFile, io))
      io.out(
        applied.length === 0
          ? 'The database schema is current.'
          : `Applied ${applied.length} migrations: ${applied.join(', ')}`,
      )
    },
  )
}
