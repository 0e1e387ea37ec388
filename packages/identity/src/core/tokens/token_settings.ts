/**
 * The configuration the token service reads, resolved once per server from keystone.conf
 * options so the hot path never touches the config registry.
 * @module
 */
import type { Config } from '@baton/config'
import {
  defaultOptions,
  delegationOptions,
  endpointFilterOptions,
  resourceOptions,
  revokeOptions,
  tokenOptions,
  trustOptions,
} from '../../options.ts'

export interface TokenSettings {
  /** `[token] expiration`, seconds. */
  readonly expirationSeconds: number
  /** `[token] allow_expired_window`, seconds. */
  readonly allowExpiredWindowSeconds: number
  /** `[delegation] max_lifetime`, seconds: the longest a delegation token lives. */
  readonly delegationLifetimeSeconds?: number | undefined
  /** `[revoke] expiration_buffer`, seconds. */
  readonly revocationBufferSeconds: number
  /** `[resource] admin_project_name` + `admin_project_domain_name`, only when both are set. */
  readonly adminProject?: { readonly name: string; readonly domainName: string } | undefined
  /** `[DEFAULT] public_endpoint`, offered to catalog URL templates. */
  readonly publicEndpoint?: string | undefined
  /** `[endpoint_filter] return_all_endpoints_if_no_filter`. */
  readonly returnAllEndpointsIfNoFilter?: boolean | undefined
  /** `[trust] max_redelegation_count`: a trust token's redelegation chain is re-checked. */
  readonly maxRedelegationCount?: number | undefined
}

export function tokenSettings(config: Config): TokenSettings {
  const token = config.get(tokenOptions)
  const resource = config.get(resourceOptions)
  const name = resource.admin_project_name
  const domainName = resource.admin_project_domain_name
  return {
    expirationSeconds: token.expiration,
    allowExpiredWindowSeconds: token.allow_expired_window,
    delegationLifetimeSeconds: config.get(delegationOptions).max_lifetime,
    revocationBufferSeconds: config.get(revokeOptions).expiration_buffer,
    // keystone render_token: `if ap_name and ap_domain_name` (empty strings count as unset)
    adminProject: name && domainName ? { name, domainName } : undefined,
    publicEndpoint: config.get(defaultOptions).public_endpoint,
    returnAllEndpointsIfNoFilter:
      config.get(endpointFilterOptions).return_all_endpoints_if_no_filter,
    maxRedelegationCount: config.get(trustOptions).max_redelegation_count,
  }
}

/**
 * How long a revocation event must outlive its revocation: the longest a token revoked now can
 * still be presented (its remaining lifetime, at most `expiration`, plus the allow_expired window)
 * plus Keystone's buffer. Keystone prunes after `expiration + expiration_buffer` only, so a
 * revoked token fetched with `allow_expired=true` passes again once its event is gone. A
 * delegation outlives its root user token up to `[delegation] max_lifetime` and ends when an
 * event revokes that root (a password change, a disabled project), so events stay that long too.
 */
export function revocationRetentionSeconds(settings: TokenSettings): number {
  const presented = settings.expirationSeconds + settings.allowExpiredWindowSeconds
  return (
    Math.max(presented, settings.delegationLifetimeSeconds ?? 0) + settings.revocationBufferSeconds
  )
}
