/**
 * `baton trust flush`: keystone-manage trust_flush. Removes every soft-deleted trust and those
 * that expired before `--date` (`DD-MM-YYYY`, midnight UTC; default: now), optionally only one
 * project's, trustor's or trustee's, from the `[database] connection` of the identity config.
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

type FlushOptions = {
  configFile: string[]
  projectId?: string
  trustorUserId?: string
  trusteeUserId?: string
  date?: number
}

/**
 * keystone-manage's `--date` (`DD-MM-YYYY`) as microseconds at midnight UTC; commander reports a
 * bad value as a usage error.
 */
export function parseFlushDate(text: string): number {
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4})$/.exec(text)
  const [day, month, year] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])]
  const ms = Date.UTC(year, month - 1, day)
  const check = new Date(ms)
  if (!m || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) {
    throw new InvalidArgumentError('Invalid input for date, should be DD-MM-YYYY.')
  }
  return ms * 1000
}

export function registerTrustCommands(program: Command, io: CliIo): void {
  const trust = program.command('trust').description('manage OS-TRUST trusts in the database')
  withConfigFiles(
    trust
      .command('flush')
      .description('remove soft-deleted trusts and those expired before a date')
      .option('--project-id <id>', 'only the trusts on this project')
      .option('--trustor-user-id <id>', 'only the trusts this user delegated')
      .option('--trustee-user-id <id>', 'only the trusts delegated to this user')
      .option(
        '--date <DD-MM-YYYY>',
        'remove trusts that expired before this day (midnight UTC); default: now',
        parseFlushDate,
      ),
  ).action(async (options: FlushOptions) => {
    const { flushTrusts } = await import('@baton/identity')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const before = options.date ?? Math.trunc(io.now()) * 1000
    const removed = await flushTrusts(loadIdentityConfig(options.configFile, io), {
      before,
      ...(options.projectId ? { projectId: options.projectId } : {}),
      ...(options.trustorUserId ? { trustorUserId: options.trustorUserId } : {}),
      ...(options.trusteeUserId ? { trusteeUserId: options.trusteeUserId } : {}),
    })
    io.out(`Flushed ${removed} trusts.`)
  })
}
