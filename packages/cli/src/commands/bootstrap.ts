/**
 * `baton bootstrap`: keystone-manage bootstrap's flags and environment variables (the environment
 * wins, as in keystone/cmd/cli.py), seeding the database through the identity package.
 * @module
 */
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

type BootstrapFlags = {
  configFile: string[]
  bootstrapUsername: string
  bootstrapPassword?: string
  bootstrapProjectName: string
  bootstrapRoleName: string
  bootstrapServiceName: string
  bootstrapAdminUrl?: string
  bootstrapPublicUrl?: string
  bootstrapInternalUrl?: string
  bootstrapRegionId?: string
  immutableRoles: boolean
}

export function registerBootstrapCommand(program: Command, io: CliIo): void {
  withConfigFiles(
    program
      .command('bootstrap')
      .description('seed the default domain, admin project, user, roles and identity endpoints')
      .option('--bootstrap-username <name>', 'the admin user (OS_BOOTSTRAP_USERNAME)', 'admin')
      .option('--bootstrap-password <password>', 'its password (OS_BOOTSTRAP_PASSWORD; required)')
      .option(
        '--bootstrap-project-name <name>',
        'the admin project (OS_BOOTSTRAP_PROJECT_NAME)',
        'admin',
      )
      .option('--bootstrap-role-name <name>', 'the admin role (OS_BOOTSTRAP_ROLE_NAME)', 'admin')
      .option(
        '--bootstrap-service-name <name>',
        'the identity service (OS_BOOTSTRAP_SERVICE_NAME)',
        'keystone',
      )
      .option('--bootstrap-admin-url <url>', 'admin endpoint (OS_BOOTSTRAP_ADMIN_URL)')
      .option('--bootstrap-public-url <url>', 'public endpoint (OS_BOOTSTRAP_PUBLIC_URL)')
      .option('--bootstrap-internal-url <url>', 'internal endpoint (OS_BOOTSTRAP_INTERNAL_URL)')
      .option('--bootstrap-region-id <id>', 'region of the endpoints (OS_BOOTSTRAP_REGION_ID)')
      .option('--no-immutable-roles', 'create the default roles without the immutable option'),
  ).action(async (flags: BootstrapFlags) => {
    const { bootstrap, identityOptions, openCurrentStore, passwordSettings, ValidationError } =
      await import('@baton/identity')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const env = (name: string) => io.env[`OS_BOOTSTRAP_${name}`] || undefined
    const password = env('PASSWORD') ?? flags.bootstrapPassword
    if (password === undefined || password === '') {
      throw new ValidationError(
        'a bootstrap password is required: --bootstrap-password or OS_BOOTSTRAP_PASSWORD',
      )
    }
    const config = loadIdentityConfig(flags.configFile, io)
    const { store, database } = await openCurrentStore(config, { now: io.now })
    try {
      await bootstrap(
        store,
        {
          password,
          username: env('USERNAME') ?? flags.bootstrapUsername,
          projectName: env('PROJECT_NAME') ?? flags.bootstrapProjectName,
          roleName: env('ROLE_NAME') ?? flags.bootstrapRoleName,
          serviceName: env('SERVICE_NAME') ?? flags.bootstrapServiceName,
          adminUrl: env('ADMIN_URL') ?? flags.bootstrapAdminUrl,
          publicUrl: env('PUBLIC_URL') ?? flags.bootstrapPublicUrl,
          internalUrl: env('INTERNAL_URL') ?? flags.bootstrapInternalUrl,
          regionId: env('REGION_ID') ?? flags.bootstrapRegionId,
          immutableRoles: flags.immutableRoles,
        },
        {
          defaultDomainId: config.get(identityOptions).default_domain_id,
          hashing: passwordSettings(config),
          log: io.out,
        },
      )
    } finally {
      await database.close()
    }
  })
}
