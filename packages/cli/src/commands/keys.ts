/**
 * `baton keys setup|rotate|status`: keystone-manage fernet_setup / fernet_rotate with Baton's
 * rotation guard, reading `[fernet_tokens]` and `[token]` from the identity config.
 * @module
 */
import type { DroppedKey, FernetLogger, KeyInfo } from '@baton/fernet'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import { duration, isoSeconds, table } from '../format.ts'
import type { CliIo } from '../io.ts'

type KeysOptions = { configFile: string[]; keyRepository?: string }

export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('manage the Fernet token key repository')
  const logger: FernetLogger = { warn: (message) => io.err(`baton: warning: ${message}`) }

  keysCommand(
    keys,
    'setup',
    'create the key repository (never overwrites an existing key 0)',
  ).action(async (options: KeysOptions) => {
    const { setupKeyRepository } = await import('@baton/fernet')
    const settings = await repositorySettings(options, io)
    const result = setupKeyRepository({ ...settings, clock: io, logger })
    io.out(
      result.created
        ? `Created the key repository: ${describeKeys(result.keys)}`
        : `Key 0 already exists; nothing was overwritten: ${describeKeys(result.keys)}`,
    )
  })

  keysCommand(keys, 'rotate', 'promote the staged key, stage a new one, purge the oldest')
    .option('--force', 'rotate even if the purge drops a key that valid tokens still need')
    .action(async (options: KeysOptions & { force?: boolean }) => {
      const { rotateKeyRepository } = await import('@baton/fernet')
      const settings = await repositorySettings(options, io)
      const result = rotateKeyRepository({
        ...settings,
        force: options.force === true,
        clock: io,
        logger,
      })
      io.out(
        `Promoted key ${keyLabel(result.promoted)} to primary; staged new key ${keyLabel(result.staged)}.`,
      )
      for (const key of result.purged) io.out(`Purged key ${key.number} (${key.fingerprint}).`)
      for (const key of result.broken) io.err(`baton: warning: ${brokenKeyWarning(key, io.now())}`)
      io.out(`Keys now: ${describeKeys(result.keys)}`)
    })

  keysCommand(keys, 'status', 'show each key, its role and age, and the next safe rotation')
    .option('--json', 'print the status as JSON')
    .action(async (options: KeysOptions & { json?: boolean }) => {
      const { keyRepositoryStatus } = await import('@baton/fernet')
      const settings = await repositorySettings(options, io)
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
    })
}

function keysCommand(parent: Command, name: string, description: string): Command {
  return withConfigFiles(
    parent
      .command(name)
      .description(description)
      .option('--key-repository <dir>', 'override [fernet_tokens] key_repository'),
  )
}

/** The repository path, key count and token lifetimes from the config, as the guard needs them. */
async function repositorySettings(options: KeysOptions, io: CliIo) {
  const { keySettings, loadIdentityConfig } = await import('../config_files.ts')
  const overrides =
    options.keyRepository === undefined
      ? {}
      : { fernet_tokens: { key_repository: options.keyRepository } }
  return keySettings(loadIdentityConfig(options.configFile, io, overrides))
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

function brokenKeyWarning(key: DroppedKey, now: number): string {
  const until =
    key.neededUntil === null
      ? 'an unknown time'
      : `${isoSeconds(key.neededUntil)} (${duration((key.neededUntil - now) / 1000)} from now)`
  return `purged key ${key.number} (${key.fingerprint}) while tokens it encrypted could still be valid until ${until}; those tokens, and expired ones fetched with allow_expired, now fail validation`
}

function nextRotation(at: number | null, now: number): string {
  if (at === null) return 'none can be shown safe with this configuration'
  if (at <= now) return 'now'
  return `${isoSeconds(at)} (in ${duration((at - now) / 1000)})`
}
