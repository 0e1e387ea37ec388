/**
 * What a local cloud is made of: the data directory layout, the five programs (identity and the
 * reference services, whose ports, catalog entries and service users `@baton/cloud/services` owns:
 * a light entry, so `baton --help` can name them without loading the services), and the settings
 * `baton up` and `baton demo` vary (token lifetime, allow_expired window, copy throttle, whether
 * senders send service tokens).
 * @module
 */
import { join } from 'node:path'
import { type ServiceFacts, type ServiceName, serviceFacts } from '@baton/cloud/services'

/** The reference services in the delegation chain's order, as `@baton/cloud` lists them. */
export const SERVICES: readonly ServiceName[] = serviceFacts.map((facts) => facts.name)
export type { ServiceName }
export type ProgramName = 'identity' | ServiceName
/** The programs of a local cloud: identity, then the services. */
export const PROGRAMS: readonly ProgramName[] = ['identity', ...SERVICES]

/** Default port, catalog entry and service user of each service, by name. */
export const SERVICE_FACTS = Object.fromEntries(
  serviceFacts.map((facts) => [facts.name, facts]),
) as Readonly<Record<ServiceName, ServiceFacts>>

/** OpenStack's usual ports, used when free (identity first, then the services in chain order). */
export const DEFAULT_PORTS = Object.fromEntries([
  ['identity', 5000],
  ...serviceFacts.map((facts) => [facts.name, facts.defaultPort] as const),
]) as Readonly<Record<ProgramName, number>>

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
  /** `[service_user] delegate` of every sender: long operations run on delegation tokens. */
  readonly delegate: boolean
  /** `baton up --tls`: every program on HTTPS with its certificate, every client trusting the CA. */
  readonly tls?: {
    readonly caFile: string
    readonly certs: Readonly<Record<ProgramName, { readonly cert: string; readonly key: string }>>
  }
}

export function configPath(plan: CloudPlan, program: ProgramName): string {
  return join(plan.dataDir, `${program}.conf`)
}

/** The trail every service appends its delegated calls to, and the console reads. */
export function auditTrailPath(plan: CloudPlan): string {
  return join(plan.dataDir, 'logs', 'audit.log')
}

/** While this file exists the program's /healthcheck answers 503 (drain it from a balancer). */
export function drainPath(plan: CloudPlan, program: ProgramName): string {
  return join(plan.dataDir, `${program}.drain`)
}

export function logPath(plan: CloudPlan, program: ProgramName): string {
  return join(plan.dataDir, 'logs', `${program}.log`)
}

export function urlOf(plan: CloudPlan, program: ProgramName): string {
  const host = plan.host.includes(':') ? `[${plan.host}]` : plan.host // IPv6 literal
  return `${plan.tls === undefined ? 'http' : 'https'}://${host}:${plan.ports[program]}`
}
