/**
 * `baton up`: the whole local cloud in one command (what `npm start` runs). The first run creates the
 * data directory (configs, Fernet keys, SQLite databases, passwords) and bootstraps identity; later
 * runs reuse it. Identity and the compute, volume, image and object services run as their own
 * processes on loopback (OpenStack's ports when free); `up` prints the URLs, an `OS_*` block for
 * openstackclient and where the logs and the audit trail are, and stops everything on Ctrl-C.
 * The work is in local_cloud/run_up.ts, loaded when the command runs.
 * @module
 */
import type { Command } from 'commander'
import type { CliIo } from '../io.ts'
import type { UpFlags } from '../local_cloud/run_up.ts'
import { parseDataDir, parseUpHost, parseUpPort } from '../local_cloud/up_options.ts'

export function registerUpCommand(program: Command, io: CliIo): void {
  program
    .command('up')
    .description('bring up the local cloud in a data directory (default .baton/)')
    .option(
      '--data-dir <dir>',
      'where configs, keys, databases and logs live',
      parseDataDir,
      '.baton',
    )
    .option('--host <address>', 'loopback address to serve on', parseUpHost, '127.0.0.1')
    .option(
      '--port <number>',
      'identity port (default 5000, or a free one when taken)',
      parseUpPort,
    )
    .option('--any-ports', 'serve every program on a free port instead of OpenStack’s usual ones')
    .option(
      '--tls',
      'serve every program on HTTPS, with certificates from a local CA made in <data-dir>/tls/',
    )
    .action(async (flags: UpFlags) => {
      const { runUp } = await import('../local_cloud/run_up.ts')
      await runUp(flags, io)
    })
}
