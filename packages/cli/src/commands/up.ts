/**
 * `baton up`: the whole local cloud in one command (what `npm start` runs). The first run creates the
 * data directory (configs, Fernet keys, SQLite databases, passwords) and bootstraps identity; later
 * runs reuse it. Identity and the compute, volume, image and object services run as their own
 * processes on loopback (OpenStack's ports when free); `up` prints the URLs, an `OS_*` block for
 * openstackclient and where the logs and the audit trail are, and stops everything on Ctrl-C.
 * @module
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { CliIo } from '../io.ts'
import { type CloudPlan, SERVICE_INFO, SERVICES, urlOf } from '../local_cloud/plan.ts'
import { choosePorts } from '../local_cloud/processes.ts'
import type { LocalCloud } from '../local_cloud/start_cloud.ts'

type UpFlags = { dataDir: string; port?: number; host: string; anyPorts?: boolean }

export function registerUpCommand(program: Command, io: CliIo): void {
  program
    .command('up')
    .description('bring up the local cloud in a data directory (default .baton/)')
    .option('--data-dir <dir>', 'where configs, keys, databases and logs live', '.baton')
    .option('--host <address>', 'loopback address to serve on', '127.0.0.1')
    .option('--port <number>', 'identity port (default 5000, or a free one when taken)', Number)
    .option('--any-ports', 'serve every program on a free port instead of OpenStack’s usual ones')
    .action(async (flags: UpFlags) => {
      const { startLocalCloud } = await import('../local_cloud/start_cloud.ts')
      const dataDir = resolve(flags.dataDir)
      const firstRun = !existsSync(join(dataDir, 'identity.conf'))
      const plan: CloudPlan = {
        dataDir,
        host: flags.host,
        ports: await choosePorts(
          flags.host,
          flags.port === undefined ? {} : { identity: flags.port },
          flags.anyPorts === true,
        ),
        tokenExpiration: 3600,
        allowExpiredWindow: 172800,
        maxActiveKeys: 5,
        copyBytesPerSecond: 0,
        copyChunkBytes: 0,
        sendServiceUserToken: true,
      }
      const cloud = await startLocalCloud(plan, io)
      printUsage(io, cloud, firstRun)
      await new Promise<void>((done) => {
        process.once('SIGINT', done)
        process.once('SIGTERM', done)
      })
      io.out('Stopping...')
      await cloud.stop()
    })
}

function printUsage(io: CliIo, cloud: LocalCloud, firstRun: boolean): void {
  const { plan } = cloud
  const identityUrl = urlOf(plan, 'identity')
  io.out(`${firstRun ? 'Created' : 'Reusing'} the local cloud in ${plan.dataDir}`)
  io.out('')
  io.out(`  identity  ${identityUrl}/v3`)
  for (const service of SERVICES) {
    io.out(`  ${service.padEnd(8)}  ${urlOf(plan, service)}   (${SERVICE_INFO[service].type})`)
  }
  io.out('')
  io.out('Use it with openstackclient:')
  io.out('')
  io.out(`  export OS_AUTH_URL=${identityUrl}/v3`)
  io.out('  export OS_IDENTITY_API_VERSION=3')
  io.out('  export OS_USERNAME=admin')
  io.out(`  export OS_PASSWORD=${cloud.secrets.admin}`)
  io.out('  export OS_PROJECT_NAME=admin')
  io.out('  export OS_USER_DOMAIN_NAME=Default')
  io.out('  export OS_PROJECT_DOMAIN_NAME=Default')
  io.out('  export OS_REGION_NAME=RegionOne')
  io.out('  openstack catalog list')
  io.out(
    '  openstack image create --file README.md --disk-format raw --container-format bare readme',
  )
  io.out('  openstack volume create --image readme --size 1 vol1')
  io.out('  openstack server create --flavor 1 --image readme --boot-from-volume 1 --wait srv1')
  io.out('')
  io.out(`Configs: ${plan.dataDir}/{identity,compute,volume,image,object}.conf`)
  io.out(
    `Logs:    ${join(plan.dataDir, 'logs')}/  (identity.log, ${SERVICES.map((s) => `${s}.log`).join(', ')})`,
  )
  io.out(`Audit:   ${join(plan.dataDir, 'logs', 'audit.log')}   (one JSON line per delegated call)`)
  io.out(
    `Check:   npx baton doctor ${['identity', ...SERVICES].map((p) => `--config-file ${join(plan.dataDir, `${p}.conf`)}`).join(' ')}`,
  )
  io.out(`Keys:    npx baton keys status --config-file ${join(plan.dataDir, 'identity.conf')}`)
  io.out('Ctrl-C stops everything.')
}
