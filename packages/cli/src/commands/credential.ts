/**
 * `baton credential setup|rotate|migrate`: keystone-manage credential_setup, credential_rotate and
 * credential_migrate for `[credential] key_repository` (the keys that encrypt credential blobs,
 * never the token keys). Rotate refuses while a credential is encrypted with a key other than the
 * primary; migrate re-encrypts those with the primary. Run migrate after every rotation.
 * @module
 */
import type { FernetLogger, KeyInfo } from '@baton/fernet'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

type CredentialOptions = { configFile: string[]; keyRepository?: string }

export function registerCredentialCommands(program: Command, io: CliIo): void {
  const credential = program
    .command('credential')
    .description('manage the credential encryption key repository')
  const logger: FernetLogger = { warn: (message) => io.err(`baton: warning: ${message}`) }

  credentialCommand(credential, 'setup', 'create the credential key repository').action(
    async (options: CredentialOptions) => {
      const { setupCredentialKeys } = await import('@baton/identity')
      const { path } = await settings(options, io)
      const result = setupCredentialKeys({ path, logger })
      io.out(
        result.created
          ? `Created the credential key repository ${path}: ${describeKeys(result.keys)}`
          : `Key 0 already exists in ${path}; nothing was overwritten: ${describeKeys(result.keys)}`,
      )
    },
  )

  credentialCommand(
    credential,
    'rotate',
    'promote the staged key; refused unless every credential is on the primary key',
  ).action(async (options: CredentialOptions) => {
    const { rotateCredentialKeys } = await import('@baton/identity')
    await withStore(options, io, async (store, path) => {
      const keys = await rotateCredentialKeys(store, { path, logger })
      io.out(`Rotated the credential keys: ${describeKeys(keys)}`)
      io.out(
        'Run `baton credential migrate` to re-encrypt every credential with the new primary key.',
      )
    })
  })

  credentialCommand(
    credential,
    'migrate',
    're-encrypt every credential with the primary key',
  ).action(async (options: CredentialOptions) => {
    const { migrateCredentials } = await import('@baton/identity')
    await withStore(options, io, async (store, path) => {
      const moved = await migrateCredentials(store, { path, logger })
      io.out(`Re-encrypted ${moved} credential(s) with the primary key.`)
    })
  })
}

function credentialCommand(parent: Command, name: string, description: string): Command {
  return withConfigFiles(
    parent
      .command(name)
      .description(description)
      .option('--key-repository <dir>', 'override [credential] key_repository'),
  )
}

async function settings(options: CredentialOptions, io: CliIo) {
  const { loadIdentityConfig } = await import('../config_files.ts')
  const { credentialOptions } = await import('@baton/identity')
  const overrides =
    options.keyRepository === undefined
      ? {}
      : { credential: { key_repository: options.keyRepository } }
  const config = loadIdentityConfig(options.configFile, io, overrides)
  return { config, path: config.get(credentialOptions).key_repository }
}

type OpenedStore = Awaited<ReturnType<typeof import('@baton/identity').openCurrentStore>>

async function withStore(
  options: CredentialOptions,
  io: CliIo,
  work: (store: OpenedStore['store'], path: string) => Promise<void>,
): Promise<void> {
  const { openCurrentStore } = await import('@baton/identity')
  const { config, path } = await settings(options, io)
  const { store, database } = await openCurrentStore(config)
  try {
    await work(store, path)
  } finally {
    await database.close()
  }
}

function describeKeys(keys: readonly KeyInfo[]): string {
  return keys
    .map(
      (key, i) =>
        `${key.number} ${i === 0 ? 'primary' : key.number === 0 ? 'staged' : 'secondary'}`,
    )
    .join(', ')
}
