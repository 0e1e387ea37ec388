/**
 * The `baton` command line: parses argv, dispatches to one module per verb, and turns every
 * expected failure into one line on stderr and a non-zero exit (no stack traces for operators).
 * Each verb's module registers its options only and imports what it runs inside its action, so
 * `baton --help` and light verbs start without loading the server packages.
 * @module
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { registerBootstrapCommand } from './commands/bootstrap.ts'
import { registerConfigCommands } from './commands/config.ts'
import { registerCredentialCommands } from './commands/credential.ts'
import { registerDbCommands } from './commands/db.ts'
import { registerDelegationCommands } from './commands/delegation.ts'
import { registerDemoCommands } from './commands/demo.ts'
import { registerDoctorCommand } from './commands/doctor.ts'
import { registerKeysCommands } from './commands/keys.ts'
import { registerServeCommands } from './commands/serve.ts'
import { registerTokenCommands } from './commands/token.ts'
import { registerTrustCommands } from './commands/trust.ts'
import { registerUpCommand } from './commands/up.ts'
import { type CliIo, processIo } from './io.ts'

/** Runs `baton` with the given arguments (without `node baton`); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('baton')
    .description('Baton: a Keystone-compatible identity system for chains of services')
    .version(packageVersion(), '-V, --version', 'print the version of baton')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
  registerKeysCommands(program, io)
  registerCredentialCommands(program, io)
  registerDbCommands(program, io)
  registerBootstrapCommand(program, io)
  registerServeCommands(program, io)
  registerTokenCommands(program, io)
  registerUpCommand(program, io)
  registerDemoCommands(program, io)
  registerDoctorCommand(program, io)
  registerConfigCommands(program, io)
  registerTrustCommands(program, io)
  registerDelegationCommands(program, io)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (err) {
    return await reportFailure(err, io)
  }
}

/** The version in @baton/cli's package.json (one directory up from both src/ and dist/). */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const version = (pkg as { version?: unknown }).version
  return typeof version === 'string' ? version : 'unknown'
}

/** Known failures are `BatonError`s (stable `BATON_*` codes); anything else is a bug, in one line. */
async function reportFailure(err: unknown, io: CliIo): Promise<number> {
  if (err instanceof CommanderError) {
    // commander already printed its message (usage errors, --help, --version)
    return err.exitCode
  }
  // loaded here, not at start-up: `baton --help` loads no @baton package
  const { BatonError } = await import('@baton/config')
  if (err instanceof BatonError) {
    io.err(`baton: ${err.message}`)
    return 1
  }
  const message = err instanceof Error ? err.message : String(err)
  io.err(`baton: unexpected error: ${message}`)
  if (io.debug && err instanceof Error && err.stack) io.err(err.stack)
  return 2
}
