/**
 * `baton db sync|import-keystone`: keystone-manage db_sync for `[database] connection`, and the
 * one-shot (re-runnable) copy of a Keystone 22 database into it.
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
  withConfigFiles(
    db
      .command('import-keystone')
      .description(
        "copy a Keystone 22 database into Baton's, keeping every id (re-run to bring changes over)",
      )
      .requiredOption(
        '--from <url>',
        "the Keystone database, as keystone.conf's [database] connection spells it",
      )
      .option('--dry-run', 'print what would be copied, per table, and write nothing'),
  ).action(async (options: { configFile: string[]; from: string; dryRun?: boolean }) => {
    const { importKeystoneDatabase } = await import('@baton/identity')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const config = loadIdentityConfig(options.configFile, io)
    const report = await importKeystoneDatabase(config, options.from, options.dryRun === true)
    io.out(report.dryRun ? 'Would copy (dry run, nothing written):' : 'Copied:')
    for (const [table, count] of report.rows) io.out(`  ${table}: ${count}`)
    for (const [table, count] of report.deleted) {
      io.out(`  ${table}: ${count} deleted (gone from Keystone since the last import)`)
    }
    for (const line of report.cannot) io.out(`cannot import: ${line}`)
  })
}
