/**
 * `baton doctor --config-file identity.conf --config-file compute.conf ...`: checks the whole
 * chain of service tokens across the identity's and the services' configs, beyond
 * keystone-manage doctor. Prints one block per finding (or JSON) and exits 1 when any is an error.
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander'
import { countErrors, renderJson, renderText } from '../doctor/findings.ts'
import type { AdminFlags } from '../doctor/options.ts'
import type { CliIo } from '../io.ts'

type DoctorFlags = AdminFlags & {
  configFile: string[]
  format: 'text' | 'json'
  identityUrl?: string
  timeout: number
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function seconds(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds > 0')
  return n
}

export function registerDoctorCommand(program: Command, io: CliIo): void {
  const command = program
    .command('doctor')
    .description(
      'check the chain: senders send service tokens, receivers require service roles, service users hold them, Fernet keys outlive tokens and match across identity nodes',
    )
    .option(
      '--config-file <path>',
      'the identity config or a service config; repeat it for every program (each file is read on its own, not layered)',
      collect,
      [],
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .option(
      '--identity-url <url>',
      'where to ask an identity node for its key fingerprints when its config has no [DEFAULT] public_endpoint',
    )
    .option('--os-auth-url <url>', 'admin credentials (default: OS_AUTH_URL)')
    .option('--os-username <name>', 'admin user (default: OS_USERNAME)')
    .option('--os-password <password>', 'admin password (default: OS_PASSWORD)')
    .option('--os-project-name <name>', 'admin project (default: OS_PROJECT_NAME, else admin)')
    .option('--os-user-domain-name <name>', 'default: OS_USER_DOMAIN_NAME')
    .option('--os-user-domain-id <id>', 'default: OS_USER_DOMAIN_ID, else default')
    .option('--os-project-domain-name <name>', 'default: OS_PROJECT_DOMAIN_NAME')
    .option('--os-project-domain-id <id>', 'default: OS_PROJECT_DOMAIN_ID, else default')
    .option('--os-cacert <file>', 'CA bundle for identity over HTTPS (default: OS_CACERT)')
    .option('--timeout <seconds>', 'per request to identity', seconds, 10)
  command.action(async (flags: DoctorFlags) => {
    if (flags.configFile.length === 0) {
      command.error('baton: doctor needs at least one --config-file', { exitCode: 2 })
    }
    const { adminCredentials } = await import('../doctor/options.ts')
    const { runDoctor } = await import('../doctor/run_doctor.ts')
    const admin = adminCredentials(flags, io.env)
    const report = await runDoctor({
      files: flags.configFile,
      identityUrl: flags.identityUrl ?? admin?.authUrl,
      admin,
      clock: io,
      timeoutMs: flags.timeout * 1000,
      caFile: flags.osCacert ?? io.env.OS_CACERT,
    })
    if (flags.format === 'json') io.out(renderJson(report))
    else for (const line of renderText(report)) io.out(line)
    const errors = countErrors(report.findings)
    if (errors > 0) {
      command.error(`baton: doctor found ${errors} error${errors === 1 ? '' : 's'}`, {
        exitCode: 1,
        code: 'baton.doctor.findings',
      })
    }
  })
}
