/**
 * `baton up`: prepares (first run) or reuses a local cloud's data directory and prints how to use
 * it. Today that is the identity config and its Fernet key repository; the identity server and
 * the reference services join as they land, and `up` says plainly which are not there yet.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { keyRepositoryStatus, setupKeyRepository } from '@baton/fernet'
import type { Command } from 'commander'
import type { CliIo } from '../io.ts'
import { repositorySettings } from './keys.ts'

const NOT_YET = ['identity (Keystone v3 API)', 'compute', 'volume', 'image', 'object']

export function registerUpCommand(program: Command, io: CliIo): void {
  program
    .command('up')
    .description('bring up the local cloud in a data directory (default .baton/)')
    .option('--data-dir <dir>', 'where configs, keys, databases and logs live', '.baton')
    .action((options: { dataDir: string }) => {
      const dataDir = resolve(options.dataDir)
      const identityConf = join(dataDir, 'identity.conf')
      const firstRun = !existsSync(identityConf)
      if (firstRun) writeIdentityConfig(dataDir, identityConf)
      const settings = repositorySettings({ configFile: [identityConf] }, io)
      const logger = { warn: (message: string) => io.err(`baton: warning: ${message}`) }
      const setup = setupKeyRepository({ ...settings, clock: io.now, logger })
      const status = keyRepositoryStatus({ ...settings, clock: io.now, logger })

      io.out(`${firstRun ? 'Created' : 'Reusing'} the local cloud in ${dataDir}`)
      io.out(`  identity config: ${identityConf}`)
      io.out(
        `  Fernet keys:     ${settings.path} (${setup.created ? 'created' : 'kept'}; ` +
          `${status.keys.length} keys, primary ${status.keys[0]?.number ?? '-'})`,
      )
      io.out('')
      io.out(`Inspect the keys:  npx baton keys status --config-file ${identityConf}`)
      io.out(`Rotate them:       npx baton keys rotate --config-file ${identityConf}`)
      io.out('')
      io.out(`Not started, not implemented yet: ${NOT_YET.join(', ')}.`)
    })
}

function writeIdentityConfig(dataDir: string, path: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const text = [
    '# Written by `baton up`; a keystone.conf-compatible identity config.',
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
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
}
