/**
 * The identity server's one option registry: every keystone.conf option the identity side of Baton
 * implements, declared once with Keystone's group and option names and defaults (a real
 * keystone.conf is a valid Baton config), in modules under options/ by area and gathered here.
 * @module
 */
import { loggingOptions } from '@baton/config'
import {
  authOptions,
  authPrimaryMethodOptions,
  credentialOptions,
  totpOptions,
  trustEscalationOptions,
  trustOptions,
} from './options/auth_options.ts'
import {
  defaultListLimitOptions,
  endpointFilterOptions,
  listLimitOptions,
  unifiedLimitOptions,
} from './options/collection_options.ts'
import { consoleOptions } from './options/console_options.ts'
import { delegationOptions } from './options/delegation_options.ts'
import { fleetOptions } from './options/fleet_options.ts'
import { oauth1Options } from './options/oauth1_options.ts'
import {
  assignmentOptions,
  identityOptions,
  policyOptions,
  projectTreeOptions,
  resourceOptions,
} from './options/resource_options.ts'
import { securityComplianceOptions } from './options/security_compliance_options.ts'
import {
  databaseOptions,
  defaultOptions,
  healthcheckOptions,
  httpServerOptions,
  metricsOptions,
  osloMiddlewareOptions,
  sslOptions,
} from './options/server_options.ts'
import {
  fernetReceiptsOptions,
  fernetTokensOptions,
  receiptOptions,
  revokeOptions,
  tokenOptions,
  tokenRescopeOptions,
} from './options/token_options.ts'

export {
  authOptions,
  authPrimaryMethodOptions,
  credentialOptions,
  totpOptions,
  trustEscalationOptions,
  trustOptions,
} from './options/auth_options.ts'
export {
  defaultListLimitOptions,
  endpointFilterOptions,
  listLimitOptions,
  unifiedLimitOptions,
} from './options/collection_options.ts'
export { consoleOptions } from './options/console_options.ts'
export { delegationOptions } from './options/delegation_options.ts'
export { fleetOptions } from './options/fleet_options.ts'
export { oauth1Options } from './options/oauth1_options.ts'
export {
  assignmentOptions,
  identityOptions,
  policyOptions,
  projectTreeOptions,
  resourceOptions,
} from './options/resource_options.ts'
export { securityComplianceOptions } from './options/security_compliance_options.ts'
export {
  databaseOptions,
  defaultOptions,
  healthcheckOptions,
  httpServerOptions,
  metricsOptions,
  osloMiddlewareOptions,
  sslOptions,
} from './options/server_options.ts'
export {
  fernetReceiptsOptions,
  fernetTokensOptions,
  receiptOptions,
  revokeOptions,
  tokenOptions,
  tokenRescopeOptions,
} from './options/token_options.ts'

/** Every group the identity server reads, for loading and for sample-config generation. */
export const identityOptionGroups = [
  defaultOptions,
  loggingOptions,
  databaseOptions,
  tokenOptions,
  fernetTokensOptions,
  credentialOptions,
  authOptions,
  identityOptions,
  osloMiddlewareOptions,
  httpServerOptions,
  healthcheckOptions,
  metricsOptions,
  sslOptions,
  tokenRescopeOptions,
  authPrimaryMethodOptions,
  securityComplianceOptions,
  resourceOptions,
  revokeOptions,
  projectTreeOptions,
  assignmentOptions,
  endpointFilterOptions,
  policyOptions,
  unifiedLimitOptions,
  defaultListLimitOptions,
  ...Object.values(listLimitOptions),
  trustOptions,
  trustEscalationOptions,
  totpOptions,
  fernetReceiptsOptions,
  receiptOptions,
  delegationOptions,
  oauth1Options,
  fleetOptions,
  consoleOptions,
]
