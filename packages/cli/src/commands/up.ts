/**
 * `baton up`: the local cloud in one command. The first run creates the data directory (configs,
 * Fernet keys, SQLite database, an admin password) and bootstraps identity; later runs reuse it.
 * Then it serves identity on loopback (port 5000 when free), prints an `OS_*` block for
 * openstackclient and where the logs are, and stops cleanly on Ctrl-C. The reference compute,
 * volume, image and object services are not implemented yet, and `up` says so.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { setupKeyRepository } from '@baton/fernet'
import {
  bootstrap,
  createIdentityServer,
  identityOptions,
  openCurrentStore,
  passwordSettings,
  syncDatabase,
} from '@baton/identity'
import type { Command } from 'commander'
import { loadIdentityConfig } from '../config_files.ts'
import type { CliIo } from '../io.ts'
import { keySettings } from './keys.ts'

const NOT_YET = ['compute', 'volume', 'image', 'object']
const IDENTITY_PORT = 5000

type UpFlags = { dataDir: string; port?: number }

export function registerUpCommand(program: Command, io: CliIo): void {
  program
    .command('up')
    .description('bring up the local cloud in a data directory (default .baton/)')
    .option('--data-dir <dir>', 'where configs, keys, databases and logs live', '.baton')
    .option('--port <number>', 'identity port (default 5000, or a free one when taken)', Number)
    .action(async (flags: UpFlags) => {
      const dataDir = resolve(flags.dataDir)
      const conf = join(dataDir, 'identity.conf')
      const firstRun = !existsSync(conf)
      if (firstRun) writeFirstRunFiles(dataDir, conf)
      const password = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim()
      const port = flags.port ?? ((await isFree(IDENTITY_PORT)) ? IDENTITY_PORT : 0)

      const logger = { warn: (message: string) => io.err(`baton: warning: ${message}`) }
      const config = loadIdentityConfig([conf], io)
      setupKeyRepository({ ...keySettings(config), clock: io.now, logger })
      await syncDatabase(config)
      const server = await createIdentityServer(config, {
        logger: { level: 'info', file: join(dataDir, 'logs', 'identity.log') },
      })
      const address = await server.app.listen({ host: '127.0.0.1', port })
      const url = address.replace('[::1]', '127.0.0.1')
      // Bootstrap every time: idempotent, and it moves the endpoints if the port changed.
      const { store, database } = await openCurrentStore(config)
      try {
        await bootstrap(
          store,
          { password, publicUrl: `${url}/v3/`, internalUrl: `${url}/v3/`, regionId: 'RegionOne' },
          {
            defaultDomainId: config.get(identityOptions).default_domain_id,
            hashing: passwordSettings(config),
            log: () => {},
          },
        )
      } finally {
        await database.close()
      }
      printUsage(io, { dataDir, firstRun, url, password })
      await new Promise<void>((done) => {
        process.once('SIGINT', done)
        process.once('SIGTERM', done)
      })
      io.out('Stopping...')
      await server.close()
    })
}

function writeFirstRunFiles(dataDir: string, conf: string): void {
  mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o700 })
  writeFileSync(join(dataDir, 'admin-password'), `${randomBytes(18).toString('base64url')}\n`, {
    mode: 0o600,
    flag: 'wx',
  })
  const text = [
    '# Written by `baton up`: a keystone.conf-compatible identity config.',
    '[database]',
    `connection = sqlite:///${join(dataDir, 'identity.db')}`,
    '',
    '[token]',
    'expiration = 3600',
    'allow_expired_window = 172800',
    '',
    '[fernet_tokens]',
    `key_repository = ${join(dataDir, 'fernet-keys')}`,
    '# (expiration + allow_expired_window) / rotation period + 2, for daily rotation:',
    'max_active_keys = 5',
    '',
  ].join('\n')
  writeFileSync(conf, text, { mode: 0o600, flag: 'wx' })
}

function printUsage(
  io: CliIo,
  info: { dataDir: string; firstRun: boolean; url: string; password: string },
): void {
  const { dataDir, url } = info
  io.out(`${info.firstRun ? 'Created' : 'Reusing'} the local cloud in ${dataDir}`)
  io.out('')
  io.out(`  identity  ${url}/v3   (Keystone v3 API)`)
  io.out(`  not implemented yet: ${NOT_YET.join(', ')}`)
  io.out('')
  io.out('Use it with openstackclient:')
  io.out('')
  io.out(`  export OS_AUTH_URL=${url}/v3`)
  io.out('  export OS_IDENTITY_API_VERSION=3')
  io.out('  export OS_USERNAME=admin')
  io.out(`  export OS_PASSWORD=${info.password}`)
  io.out('  export OS_PROJECT_NAME=admin')
  io.out('  export OS_USER_DOMAIN_NAME=Default')
  io.out('  export OS_PROJECT_DOMAIN_NAME=Default')
  io.out('  export OS_REGION_NAME=RegionOne')
  io.out('  openstack token issue')
  io.out('')
  io.out(
    `Config: ${join(dataDir, 'identity.conf')}   Logs: ${join(dataDir, 'logs', 'identity.log')}`,
  )
  io.out(`Keys:   npx baton keys status --config-file ${join(dataDir, 'identity.conf')}`)
  io.out('Ctrl-C stops everything.')
}

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)))
  })
}
