/**
 * The repeatable `--config-file` option, in a module of its own that loads nothing else: every verb
 * registers it at start-up, and `baton --help` must not pay for the identity package to do so.
 * @module
 */
import type { Command } from 'commander'

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
