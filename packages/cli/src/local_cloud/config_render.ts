/**
 * What `baton up` writes into each config of the local cloud for a plan: identity's
 * keystone.conf-compatible file, and each service's `[DEFAULT]`, `[keystone_authtoken]`,
 * `[service_user]` and `[audit]`; every program's `[healthcheck]` and `[metrics]`; identity's
 * `[console]`, which reads the services' configs and trail. Pure text; config_files.ts decides whether it is written.
 * @module
 */
import { join } from 'node:path'
import {
  auditTrailPath,
  type CloudPlan,
  configPath,
  drainPath,
  type ProgramName,
  SERVICE_FACTS,
  SERVICES,
  type ServiceName,
  urlOf,
} from './plan.ts'
import type { CloudSecrets } from './secrets.ts'

export function renderConfig(plan: CloudPlan, secrets: CloudSecrets, program: ProgramName): string {
  const lines =
    program === 'identity' ? identityConfig(plan) : serviceConfig(plan, secrets, program)
  return `${lines.join('\n')}\n`
}

function identityConfig(plan: CloudPlan): string[] {
  return [
    '# A keystone.conf-compatible identity config.',
    '[DEFAULT]',
    `public_endpoint = ${urlOf(plan, 'identity')}`,
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
    ...sslSection(plan, 'identity'),
    ...operationsSections(plan, 'identity'),
    '[delegation]',
    '# which service types each service user serves: identity refuses a delegation token to a',
    '# service outside its audience (docs/delegation.md)',
    `service_types = ${delegationServiceTypes()}`,
    '[console]',
    "# the operator console's Chains view checks these; its Delegated calls and Windows views",
    '# read the trail the services write',
    `service_config_files = ${SERVICES.map((service) => configPath(plan, service)).join(',')}`,
    `audit_trail_files = ${auditTrailPath(plan)}`,
  ]
}

/** `[delegation] service_types`: each service user and its catalog type, from the facts. */
export function delegationServiceTypes(): string {
  return Object.values(SERVICE_FACTS)
    .map((facts) => `${facts.serviceUser}:${facts.catalog.type}`)
    .join(',')
}

function serviceConfig(plan: CloudPlan, secrets: CloudSecrets, service: ServiceName): string[] {
  const user = SERVICE_FACTS[service].serviceUser
  const credentials = [
    `auth_url = ${urlOf(plan, 'identity')}/v3`,
    `username = ${user}`,
    `password = ${secrets.users[user] ?? ''}`,
    'user_domain_name = Default',
    'project_name = service',
    'project_domain_name = Default',
    // --tls: identity and the next service are checked against the local CA
    ...(plan.tls === undefined ? [] : [`cafile = ${plan.tls.caFile}`]),
  ]
  return [
    `# The ${service} service.`,
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
    `service_type = ${SERVICE_FACTS[service].catalog.type}`,
    'service_token_roles = service',
    'service_token_roles_required = true',
    '',
    // the end of the chain (the object store) calls no one, so it sends no service token
    ...(SERVICE_FACTS[service].callsNextHop === false
      ? []
      : [
          '[service_user]',
          `send_service_user_token = ${plan.sendServiceUserToken}`,
          `delegate = ${plan.delegate && plan.sendServiceUserToken}`,
          'auth_type = password',
          ...credentials,
          '',
        ]),
    ...sslSection(plan, service),
    ...operationsSections(plan, service),
    '[audit]',
    `file = ${auditTrailPath(plan)}`,
  ]
}

/** `--tls`: oslo.service's `[ssl]`, the program's own certificate and key. */
function sslSection(plan: CloudPlan, program: ProgramName): string[] {
  const files = plan.tls?.certs[program]
  if (files === undefined) return []
  return ['[ssl]', `cert_file = ${files.cert}`, `key_file = ${files.key}`, '']
}

/**
 * `/healthcheck` answers `OK` (oslo.middleware's disable_by_file backend) until the program's
 * drain file exists, then 503, as a load balancer expects; `/metrics` on, for loopback scrapers
 * only (`[metrics] allow_from`'s default).
 */
function operationsSections(plan: CloudPlan, program: ProgramName): string[] {
  return [
    '[healthcheck]',
    'backends = disable_by_file',
    `disable_by_file_path = ${drainPath(plan, program)}`,
    '[metrics]',
    'enabled = true',
    '',
  ]
}
