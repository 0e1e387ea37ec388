/**
 * `--config-file` handling shared by every verb: repeatable, later files win (oslo.config order),
 * and each option Baton does not implement is reported once on stderr.
 * @module
 */
import { type Config, loadConfig } from '@baton/config'
import { identityOptionGroups } from '@baton/identity'
import type { Command } from 'commander'
import type { CliIo } from './io.ts'

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** Adds the repeatable `--config-file` option to a command. */
export function withConfigFiles(command: Command): Command {
  return command.option(
    '--config-file <path>',
    'a keystone.conf-style file; repeat it to layer files (later ones win)',
    collect,
    [],
  )
}

/** Loads the identity configuration from the given files, the environment and the overrides. */
export function loadIdentityConfig(
  files: readonly string[],
  io: CliIo,
  overrides: Record<string, Record<string, string>> = {},
): Config {
  const config = loadConfig({
    files: [...files],
    env: io.env,
    overrides,
    groups: identityOptionGroups,
  })
  for (const warning of config.warnings) io.err(`baton: warning: ${warning}`)
  return config
}
