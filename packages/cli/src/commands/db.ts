/**
 * `baton db sync|import-keystone`: keystone-manage db_sync for `[database] connection`, with its `--expand`,
 * `--migrate`, `--contract` and `--check` flags so upgrade playbooks that gate on them run
 * unchanged. Baton has one ordered list of additive migrations: `--expand` (or no flag) applies
 * every pending one; `--migrate` and `--contract` succeed with nothing to do once none is pending;
 * `--check` exits 0 (up to date) or 2 (expand needed), keystone-manage's codes.
 * `import-keystone` is the one-shot (re-runnable) copy of a Keystone 22 database into it.
 * @module
 */
import { type Command, CommanderError, Option } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

type SyncFlags = {
  configFile: string[]
  expand?: boolean
  migrate?: boolean
  contract?: boolean
  check?: boolean
}

const PHASES = ['expand', 'migrate', 'contract', 'check'] as const

const PHASE_HELP: Record<(typeof PHASES)[number], string> = {
  expand: 'apply every pending migration (Baton has no separate data or contract step)',
  migrate: 'keystone-manage compatibility: nothing to do once --expand has run',
  contract: 'keystone-manage compatibility: nothing to do once --expand has run',
  check: 'exit 0 when the schema is up to date, 2 when `--expand` is needed (writes nothing)',
}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description('manage the identity database schema')
  const sync = withConfigFiles(
    db.command('sync').description('apply every pending schema migration'),
  )
  for (const phase of PHASES) {
    sync.addOption(
      new Option(`--${phase}`, PHASE_HELP[phase]).conflicts(PHASES.filter((p) => p !== phase)),
    )
  }
  sync.action(async (flags: SyncFlags) => {
    const { checkDatabaseSync, syncDatabasePhase } = await import('@baton/identity')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const config = loadIdentityConfig(flags.configFile, io)
    if (flags.check === true) {
      const result = await checkDatabaseSync(config)
      io.out(result.message)
      // exit status without a second message: main() returns a CommanderError's code as is
      if (result.exitCode !== 0) {
        throw new CommanderError(result.exitCode, 'baton.db.check', result.message)
      }
      return
    }
    const phase = flags.migrate ? 'migrate' : flags.contract ? 'contract' : 'all'
    const applied = await syncDatabasePhase(config, flags.expand ? 'expand' : phase)
    io.out(
      applied.length === 0
        ? 'The database schema is current.'
        : `Applied ${applied.length} migrations: ${applied.join(', ')}`,
    )
  })
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
