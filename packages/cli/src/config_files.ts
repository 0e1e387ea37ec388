/**
 * `--config-file` handling shared by every verb: repeatable, later files win (oslo.config order).
 * Each unknown option is a warning on stderr; the options OpenStack declares that Baton knowingly
 * does not use are one summary line (their names with BATON_DEBUG=1 or `baton config check`).
 * @module
 */
import { type Config, loadConfig, openstackOptions, unusedSummary } from '@baton/config'
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
    known: openstackOptions,
  })
  for (const warning of config.warnings) io.err(`baton: warning: ${warning}`)
  reportUnused(config, io)
  return config
}

/** One line for every option Baton knowingly ignores; each of them with BATON_DEBUG=1. */
export function reportUnused(config: Config, io: CliIo): void {
  const summary = unusedSummary(config.unused)
  if (summary === undefined) return
  io.err(`baton: ${summary}; \`baton config check\` lists them`)
  if (!io.debug) return
  for (const e of config.unused) {
    io.err(`baton:   ${e.path}:${e.line}: [${e.section}] ${e.name} (${e.origin})`)
  }
}
