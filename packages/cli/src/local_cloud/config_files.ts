/**
 * Writes the five config files of a local cloud: identity's keystone.conf and, for each service, a
 * config with `[keystone_authtoken]` (receiving: its own service user, the service role required)
 * and `[service_user]` (sending: the same user's token as X-Service-Token). Rewritten on every run
 * so ports and settings follow the plan; data and passwords are kept.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type CloudPlan,
  configPath,
  SERVICE_INFO,
  SERVICES,
  type ServiceName,
  urlOf,
} from './plan.ts'
import type { CloudSecrets } from './secrets.ts'

function write(path: string, lines: readonly string[]): void {
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 })
}

export function writeCloudConfigs(plan: CloudPlan, secrets: CloudSecrets): void {
  mkdirSync(join(plan.dataDir, 'logs'), { recursive: true, mode: 0o700 })
  const identityUrl = urlOf(plan, 'identity')
  write(configPath(plan, 'identity'), [
    '# Written by baton: a keystone.conf-compatible identity config.',
    '[DEFAULT]',
    `public_endpoint = ${identityUrl}`,
    '[database]',
    `connection = sqlite:///${join(plan.dataDir, 'identity.db')}`,
    '[token]',
    `expiration = ${plan.tokenExpiration}`,
    `allow_expired_window = ${plan.allowExpiredWindow}`,
    '[fernet_tokens]',
    `key_repository = ${join(plan.dataDir, 'fernet-keys')}`,
    '# at least (expiration + allow_expired_window) / rotation period + 2',
    `max_active_keys = ${plan.maxActiveKeys}`,
    ...(plan.passwordHashRounds === undefined
      ? []
      : ['[identity]', `password_hash_rounds = ${plan.passwordHashRounds}`]),
  ])
  for (const service of SERVICES)
    write(configPath(plan, service), serviceConfig(plan, secrets, service))
}

function serviceConfig(plan: CloudPlan, secrets: CloudSecrets, service: ServiceName): string[] {
  const user = SERVICE_INFO[service].user
  const credentials = [
    `auth_url = ${urlOf(plan, 'identity')}/v3`,
    `username = ${user}`,
    `password = ${secrets.users[user] ?? ''}`,
    'user_domain_name = Default',
    'project_name = service',
    'project_domain_name = Default',
  ]
  return [
    `# Written by baton: the ${service} service.`,
    '[DEFAULT]',
    `host = ${plan.host}`,
    `port = ${plan.ports[service]}`,
    `data_dir = ${join(plan.dataDir, service)}`,
    ...(service === 'volume'
      ? [
          `copy_bytes_per_second = ${plan.copyBytesPerSecond}`,
          `copy_chunk_bytes = ${plan.copyChunkBytes}`,
        ]
      : []),
    '',
    '[keystone_authtoken]',
    `www_authenticate_uri = ${urlOf(plan, 'identity')}/v3`,
    'auth_type = password',
    ...credentials,
    'interface = public',
    'service_token_roles = service',
    'service_token_roles_required = true',
    '',
    // the object store is the end of the chain: it calls no one, so it sends no service token
    ...(service === 'object'
      ? []
      : [
          '[service_user]',
          `send_service_user_token = ${plan.sendServiceUserToken}`,
          'auth_type = password',
          ...credentials,
          '',
        ]),
    '[audit]',
    `file = ${join(plan.dataDir, 'logs', 'audit.log')}`,
  ]
}
