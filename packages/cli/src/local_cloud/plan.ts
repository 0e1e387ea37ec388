/**
 * What a local cloud is made of: the data directory layout, the five programs with their OpenStack
 * ports, catalog types and service users, and the settings `baton up` and `baton demo` vary (token
 * lifetime, allow_expired window, copy throttle, whether senders send service tokens).
 * @module
 */
import { join } from 'node:path'

export const SERVICES = ['compute', 'volume', 'image', 'object'] as const
export type ServiceName = (typeof SERVICES)[number]
export type ProgramName = 'identity' | ServiceName

/** OpenStack's usual ports, used when free. */
export const DEFAULT_PORTS: Readonly<Record<ProgramName, number>> = {
  identity: 5000,
  compute: 8774,
  volume: 8776,
  image: 9292,
  object: 8080,
}

type ServiceInfo = {
  readonly user: string
  readonly type: string
  readonly serviceName: string
  readonly description: string
  readonly path: string
}

/** Catalog entry and service user of each service (the users real deployments use). */
export const SERVICE_INFO: Readonly<Record<ServiceName, ServiceInfo>> = {
  compute: {
    user: 'nova',
    type: 'compute',
    serviceName: 'nova',
    description: 'Compute',
    path: '/v2.1',
  },
  volume: {
    user: 'cinder',
    type: 'volumev3',
    serviceName: 'cinderv3',
    description: 'Block Storage',
    path: '/v3/%(project_id)s',
  },
  image: { user: 'glance', type: 'image', serviceName: 'glance', description: 'Image', path: '' },
  object: {
    user: 'swift',
    type: 'object-store',
    serviceName: 'swift',
    description: 'Object Storage',
    path: '/v1/AUTH_%(project_id)s',
  },
}

export type CloudPlan = {
  readonly dataDir: string
  readonly host: string
  readonly ports: Readonly<Record<ProgramName, number>>
  readonly tokenExpiration: number
  readonly allowExpiredWindow: number
  readonly maxActiveKeys: number
  /** Volume's `[DEFAULT] copy_bytes_per_second`; 0 = unthrottled. */
  readonly copyBytesPerSecond: number
  /** Volume's `[DEFAULT] copy_chunk_bytes`: ranged image reads of this size; 0 = one stream. */
  readonly copyChunkBytes: number
  /** identity's `[identity] password_hash_rounds`; undefined = Keystone's default (bcrypt 12). */
  readonly passwordHashRounds?: number
  /** `[service_user] send_service_user_token` of every sender. */
  readonly sendServiceUserToken: boolean
}

export function configPath(plan: CloudPlan, program: ProgramName): string {
  return join(plan.dataDir, `${program}.conf`)
}

export function logPath(plan: CloudPlan, program: ProgramName): string {
  return join(plan.dataDir, 'logs', `${program}.log`)
}

export function urlOf(plan: CloudPlan, program: ProgramName): string {
  const host = plan.host.includes(':') ? `[${plan.host}]` : plan.host // IPv6 literal
  return `http://${host}:${plan.ports[program]}`
}
