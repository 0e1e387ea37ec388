/**
 * `baton db sync`: keystone-manage db_sync for `[database] connection`, with its `--expand`,
 * `--migrate`, `--contract` and `--check` flags so upgrade playbooks that gate on them run
 * unchanged. Baton has one ordered list of additive migrations: `--expand` (or no flag) applies
 * every pending one; `--migrate` and `--contract` succeed with nothing to do once none is pending;
 * `--check` exits 0 (up to date) or 2 (expand needed), keystone-manage's codes.
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
}
