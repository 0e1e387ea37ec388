/**
 * Keystone 22's default policy, part 5: services, endpoints and regions
 * (keystone/common/policies/service.py, endpoint.py, region.py). Region reads are open to any
 * token; the rest is admin, or a reader on the system for reads.
 * @module
 */
import {
  adminOnly,
  adminOrSystemReader,
  entry,
  type PolicyDefault,
  SYSTEM_DOMAIN_PROJECT,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

const crud = (kind: string, plural: string): PolicyDefault[] => [
  adminOrSystemReader(`identity:get_${kind}`),
  adminOrSystemReader(`identity:list_${plural}`),
  adminOnly(`identity:create_${kind}`, SYSTEM_PROJECT),
  adminOnly(`identity:update_${kind}`, SYSTEM_PROJECT),
  adminOnly(`identity:delete_${kind}`, SYSTEM_PROJECT),
]

export const SERVICE_RULES: readonly PolicyDefault[] = crud('service', 'services')

export const ENDPOINT_RULES: readonly PolicyDefault[] = crud('endpoint', 'endpoints')

export const REGION_RULES: readonly PolicyDefault[] = [
  entry('identity:get_region', '', SYSTEM_DOMAIN_PROJECT),
  entry('identity:list_regions', '', SYSTEM_DOMAIN_PROJECT),
  adminOnly('identity:create_region', SYSTEM_PROJECT),
  adminOnly('identity:update_region', SYSTEM_PROJECT),
  adminOnly('identity:delete_region', SYSTEM_PROJECT),
]
