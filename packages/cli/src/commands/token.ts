/**
 * `baton token decode`: opens a Fernet token with a key repository and prints Keystone's view of
 * its payload as JSON, for operators debugging a deployment (works on Keystone's own tokens).
 * @module
 */
import type { DecodedToken } from '@baton/identity/tokens'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'

export function registerTokenCommands(program: Command, io: CliIo): void {
  const token = program.command('token').description('inspect tokens')
  withConfigFiles(
    token
      .command('decode')
      .description('decrypt a Fernet token and print its payload as JSON')
      .requiredOption('--key-repository <dir>', 'the Fernet key repository that issued the token')
      .argument('<token>', 'the token (as sent in X-Auth-Token)'),
  ).action(async (tokenText: string, options: { keyRepository: string; configFile: string[] }) => {
    const { loadKeys } = await import('@baton/fernet')
    const { authOptions, identityOptions, TokenFormatter } = await import('@baton/identity/tokens')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const config = loadIdentityConfig(options.configFile, io)
    const { fernet } = loadKeys(options.keyRepository)
    const formatter = new TokenFormatter({
      keys: { current: () => fernet },
      methods: config.get(authOptions).methods,
      defaultDomainId: config.get(identityOptions).default_domain_id,
    })
    io.out(JSON.stringify(decodedTokenJson(formatter.validateToken(tokenText.trim())), null, 2))
  })
}

/** The documented output shape: Keystone's field names, absent values as null. */
function decodedTokenJson(token: DecodedToken): Record<string, unknown> {
  return {
    version: token.version,
    user_id: token.userId ?? null,
    methods: token.methods,
    project_id: token.projectId ?? null,
    domain_id: token.domainId ?? null,
    system: token.system ?? null,
    trust_id: token.trustId ?? null,
    app_cred_id: token.appCredId ?? null,
    expires_at: token.expiresAt,
    issued_at: token.issuedAt,
    audit_ids: token.auditIds,
  }
}
