/**
 * `baton keys setup|rotate|status`: keystone-manage fernet_setup / fernet_rotate with Baton's
 * rotation guard, reading `[fernet_tokens]` and `[token]` from the identity config. As
 * keystone-manage, setup and rotate also set up and rotate the auth receipt keys when
 * `[fernet_receipts] key_repository` names a directory of its own; `--receipts` works on that
 * repository alone (keystone-manage receipt_setup / receipt_rotate), its guard reading
 * `[receipt] expiration`.
 * @module
 */
import type { Config } from '@baton/config'
import type { DroppedKey, FernetLogger, KeyInfo } from '@baton/fernet'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { keySettings } from '../config_files.ts'
import { duration, isoSeconds, table } from '../format.ts'
import type { CliIo } from '../io.ts'
import type { DatabaseTarget } from './keys_database.ts'

type KeysOptions = { configFile: string[]; keyRepository?: string; receipts?: boolean }

type RepositorySettings = NonNullable<ReturnType<typeof keySettings>>

/**
 * One repository a verb works on; `receipts` for `[fernet_receipts]`, whose lines say so.
 * `database` when `[fernet_tokens] key_store = database`: the keys live in the identity database.
 */
type Repository = {
  readonly receipts: boolean
  readonly settings: RepositorySettings
  readonly config: Config
  readonly database: boolean
}

function databaseTarget(repository: Repository): DatabaseTarget {
  return {
    config: repository.config,
    repository: repository.receipts ? 'fernet_receipts' : 'fernet_tokens',
    settings: repository.settings,
  }
}

export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('manage the Fernet token key repository')
  const logger: FernetLogger = { warn: (message) => io.err(`baton: warning: ${message}`) }

  keysCommand(
    keys,
    'setup',
    'create the key repository (never overwrites an existing key 0)',
  ).action(async (options: KeysOptions) => {
    const { setupKeyRepository } = await import('@baton/fernet')
    for (const repository of await repositories(options, io)) {
      if (repository.database) {
        const { setupInDatabase } = await import('./keys_database.ts')
        await setupInDatabase(databaseTarget(repository), io)
        continue
      }
      const { receipts, settings } = repository
      const result = setupKeyRepository({ ...settings, clock: io, logger })
      const what = receipts ? 'receipt key repository' : 'key repository'
      io.out(
        result.created
          ? `Created the ${what}: ${describeKeys(result.keys)}`
          : `Key 0${receipts ? ' of the receipt key repository' : ''} already exists; nothing was overwritten: ${describeKeys(result.keys)}`,
      )
    }
  })

  keysCommand(keys, 'rotate', 'promote the staged key, stage a new one, purge the oldest')
    .option(
      '--force',
      'rotate even if the purge drops a key that valid tokens still need, or a live node has not loaded the staged key',
    )
    .action(async (options: KeysOptions & { force?: boolean }) => {
      const { rotateKeyRepository } = await import('@baton/fernet')
      const { laggingForFiles, rotateInDatabase } = await import('./keys_database.ts')
      for (const repository of await repositories(options, io)) {
        if (repository.database) {
          await rotateInDatabase(databaseTarget(repository), options.force === true, io)
          continue
        }
        const { receipts, settings } = repository
        const name = receipts ? 'fernet_receipts' : 'fernet_tokens'
        const lagging = await laggingForFiles(repository.config, name, settings.path)
        if (lagging.length > 0) {
          const message = `live node(s) ${lagging.join(', ')} have not loaded staged key 0 of ${settings.path}, which this rotation would make primary (has the repository been copied to them?)`
          if (options.force !== true) {
            const { FernetError, FernetErrorCode } = await import('@baton/fernet')
            throw new FernetError(
              FernetErrorCode.FleetLagging,
              `refusing to rotate: ${message}; copy the repository to them first, or rotate with --force`,
            )
          }
          io.err(`baton: warning: --force overrode the fleet check: ${message}`)
        }
        const result = rotateKeyRepository({
          ...settings,
          force: options.force === true,
          clock: io,
          logger,
        })
        io.out(
          `${receipts ? 'Receipt keys: p' : 'P'}romoted key ${keyLabel(result.promoted)} to primary; staged new key ${keyLabel(result.staged)}.`,
        )
        for (const key of result.purged) io.out(`Purged key ${key.number} (${key.fingerprint}).`)
        for (const key of result.broken) {
          io.err(`baton: warning: ${brokenKeyWarning(key, io.now(), receipts)}`)
        }
        io.out(`Keys now: ${describeKeys(result.keys)}`)
      }
    })

  keysCommand(keys, 'status', 'show each key, its role and age, and the next safe rotation')
    .option('--json', 'print the status as JSON')
    .action(async (options: KeysOptions & { json?: boolean }) => {
      const { keyRepositoryStatus } = await import('@baton/fernet')
      // status shows one repository: the token keys, or with --receipts the receipt keys
      const [repository] = await repositories(options, io)
      if (repository.database) {
        const { statusInDatabase } = await import('./keys_database.ts')
        await statusInDatabase(databaseTarget(repository), options.json === true, io)
        return
      }
      const { settings } = repository
      const now = io.now()
      const status = keyRepositoryStatus({ ...settings, clock: { now: () => now } })
      if (options.json === true) {
        io.out(JSON.stringify(status, null, 2))
        return
      }
      const rows = status.keys.map((key) => [
        String(key.number),
        key.role,
        key.fingerprint,
        key.ageSeconds === undefined ? 'unknown' : duration(key.ageSeconds),
        key.retiredAt === undefined ? '' : `${duration((now - key.retiredAt) / 1000)} ago`,
      ])
      for (const line of table([['key', 'role', 'fingerprint', 'age', 'retired'], ...rows]))
        io.out(line)
      io.out('')
      io.out(`Next safe rotation: ${nextRotation(status.earliestSafeRotation, now)}`)
      if (status.minMaxActiveKeys !== null) {
        io.out(`max_active_keys needed for the current rotation period: ${status.minMaxActiveKeys}`)
      }
      for (const reason of status.reasons) io.out(`  ${reason}`)
      await printFleet(repository, io)
    })

  keysCommand(keys, 'export', 'write the database key store as a Keystone key repository')
    .requiredOption('--to <dir>', 'a new or empty directory (made 0700; key files 0600)')
    .action(async (options: KeysOptions & { to: string }) => {
      const [repository] = await repositories(options, io)
      await requireDatabase(repository, 'export')
      const { exportFromDatabase } = await import('./keys_database.ts')
      await exportFromDatabase(databaseTarget(repository), options.to, io)
    })

  keysCommand(keys, 'import', 'move a Keystone key repository into the database key store')
    .requiredOption('--from <dir>', 'the key repository (0700, key files named by number)')
    .action(async (options: KeysOptions & { from: string }) => {
      const [repository] = await repositories(options, io)
      await requireDatabase(repository, 'import')
      const { importIntoDatabase } = await import('./keys_database.ts')
      await importIntoDatabase(databaseTarget(repository), options.from, io)
    })
}

async function requireDatabase(repository: Repository, verb: string): Promise<void> {
  if (repository.database) return
  const { FernetError, FernetErrorCode } = await import('@baton/fernet')
  throw new FernetError(
    FernetErrorCode.InvalidArgument,
    `baton keys ${verb} needs [fernet_tokens] key_store = database (the keys are files here: copy the directory)`,
  )
}

/** The fleet's nodes under a files-store status, when the identity database can be read. */
async function printFleet(repository: Repository, io: CliIo): Promise<void> {
  const { fleetOptions, openFleetDatabase, readFleet } = await import('@baton/identity')
  const { printNodes } = await import('./keys_database.ts')
  const opened = await openFleetDatabase(repository.config)
  if (opened === undefined) return
  try {
    const nodes = await readFleet(opened.database)
    if (nodes.length === 0) return
    const { readKeyFiles } = await import('@baton/fernet')
    const keys = readKeyFiles(repository.settings.path, { warn: () => {} })
    io.out('')
    printNodes(
      nodes,
      repository.receipts ? 'fernet_receipts' : 'fernet_tokens',
      { keys },
      repository.config.get(fleetOptions).max_clock_skew,
      io,
    )
  } catch {
    // no fleet table yet, or the database went away: the key table above is the answer
  } finally {
    await opened.database.close()
  }
}

function keysCommand(parent: Command, name: string, description: string): Command {
  return withConfigFiles(
    parent
      .command(name)
      .description(description)
      .option(
        '--key-repository <dir>',
        'override [fernet_tokens] key_repository ([fernet_receipts] with --receipts)',
      )
      .option(
        '--receipts',
        'the auth receipt key repository, [fernet_receipts] key_repository, alone ' +
          '(keystone-manage receipt_setup / receipt_rotate)',
      ),
  )
}

/**
 * The repositories a verb works on, with the path, key count and lifetimes the guard needs: the
 * token keys, then the receipt keys when they have a directory of their own (keystone-manage
 * fernet_setup / fernet_rotate); with `--receipts` the receipt keys only.
 */
async function repositories(
  options: KeysOptions,
  io: CliIo,
): Promise<[Repository, ...Repository[]]> {
  const { keySettings, loadIdentityConfig, receiptKeySettings } = await import('../config_files.ts')
  // loaded here, not at the top: `baton --help` must not load @baton/config (startup.lazy_modules)
  const { CliError, CliErrorCode } = await import('../errors.ts')
  const section = options.receipts === true ? 'fernet_receipts' : 'fernet_tokens'
  const overrides =
    options.keyRepository === undefined
      ? {}
      : { [section]: { key_repository: options.keyRepository } }
  const config = loadIdentityConfig(options.configFile, io, overrides)
  const receipts = receiptKeySettings(config)
  const { fernetTokensOptions } = await import('@baton/identity')
  const database = config.get(fernetTokensOptions).key_store === 'database'
  const receiptRepository = (settings: RepositorySettings) => ({
    receipts: true,
    settings,
    config,
    database,
  })
  if (options.receipts === true) {
    if (receipts === null) {
      throw new CliError(
        CliErrorCode.ReceiptKeysShared,
        'auth receipts use the token keys: [fernet_receipts] key_repository is unset or names ' +
          '[fernet_tokens] key_repository. Run the command without --receipts, or set ' +
          '[fernet_receipts] key_repository to a directory of its own.',
      )
    }
    return [receiptRepository(receipts)]
  }
  const tokens = { receipts: false, settings: keySettings(config), config, database }
  return receipts === null ? [tokens] : [tokens, receiptRepository(receipts)]
}

function keyLabel(key: KeyInfo): string {
  return `${key.number} (${key.fingerprint})`
}

function describeKeys(keys: readonly KeyInfo[]): string {
  return keys
    .map(
      (key, i) =>
        `${key.number} ${i === 0 ? 'primary' : key.number === 0 ? 'staged' : 'secondary'}`,
    )
    .join(', ')
}

function brokenKeyWarning(key: DroppedKey, now: number, receipts: boolean): string {
  const until =
    key.neededUntil === null
      ? 'an unknown time'
      : `${isoSeconds(key.neededUntil)} (${duration((key.neededUntil - now) / 1000)} from now)`
  if (receipts) {
    return `purged receipt key ${key.number} (${key.fingerprint}) while receipts it encrypted could still be valid until ${until}; those receipts now fail`
  }
  return `purged key ${key.number} (${key.fingerprint}) while tokens it encrypted could still be valid until ${until}; those tokens, and expired ones fetched with allow_expired, now fail validation`
}

function nextRotation(at: number | null, now: number): string {
  if (at === null) return 'none can be shown safe with this configuration'
  if (at <= now) return 'now'
  return `${isoSeconds(at)} (in ${duration((at - now) / 1000)})`
}
