/**
 * `baton db sync|version`: keystone-manage db_sync / db_version for `[database] connection`.
 * @module
 */
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description('manage the identity database schema')
  withConfigFiles(db.command('sync').description('apply every pending schema migration')).action(
    async (options: { configFile: string[] }) => {
      const { syncDatabase } = await import('@baton/identity')
      const { loadIdentityConfig } = await import('../config_files.ts')
      const applied = await syncDatabase(loadIdentityConfig(options.configFile, io))
      io.out(
        applied.length === 0
          ? 'The database schema is current.'
          : `Applied ${applied.length} migrations: ${applied.join(', ')}`,
      )
    },
  )
}
