/**
 * `baton delegation flush` (Baton only; in the spirit of `baton trust flush`): deletes the job-bound
 * delegation rows (docs/delegation.md) that can validate nothing any more, from the `[database]
 * connection` of the identity config: those past their deadline plus `[revoke]
 * expiration_buffer`, and revoked ones whose revocation is older than the revocation-event
 * retention. Identity prunes expired rows itself on each token revocation; this does it on demand
 * (a cron job) and is the only thing that removes revoked rows.
 * @module
 */
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

type FlushOptions = { configFile: string[] }

export function registerDelegationCommands(program: Command, io: CliIo): void {
  const delegation = program
    .command('delegation')
    .description('manage OS-BATON job-bound delegations in the database')
  withConfigFiles(
    delegation
      .command('flush')
      .description(
        'remove delegations past their deadline and revoked ones past the revocation retention',
      ),
  ).action(async (options: FlushOptions) => {
    const { flushDelegations } = await import('@baton/identity')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const removed = await flushDelegations(loadIdentityConfig(options.configFile, io), io.now())
    io.out(
      `Flushed ${removed.expired + removed.revoked} delegations ` +
        `(${removed.expired} past their deadline, ${removed.revoked} revoked).`,
    )
  })
}
