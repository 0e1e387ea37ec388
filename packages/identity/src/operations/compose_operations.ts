/**
 * Builds the identity server's operator side from what the composition root already has: the
 * metrics (when `[metrics] enabled`), the validation observer handed to the token service, the
 * delegation counter, and the context of the /healthcheck and /metrics routes.
 * @module
 */
import cluster from 'node:cluster'
import { resolve } from 'node:path'
import { type Clock, type Config, metricsOptions } from '@baton/config'
import {
  type KeyRepositoryStatus,
  keyRepositoryStatus,
  keySetStatus,
  type MultiFernet,
} from '@baton/fernet'
import type { ValidationCache } from '../cache/index.ts'
import type { DelegationService } from '../core/delegations/delegation_service.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import type { ValidationOutcome } from '../core/tokens/index.ts'
import type { DatabaseKeys } from '../fleet/database_keys.ts'
import type { Authenticator } from '../http/authenticate.ts'
import {
  delegationOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  tokenOptions,
} from '../options.ts'
import type { Store, StoreDatabase } from '../store/index.ts'
import { clusterMetricsReader } from './cluster_metrics.ts'
import { fleetView } from './fleet_view.ts'
import { detailedHealth } from './identity_health.ts'
import { createIdentityMetrics, type IdentityMetrics } from './identity_metrics.ts'
import type { KeysReportSources } from './keys_report.ts'
import type { OperationsContext } from './operations_routes.ts'

export type OperationsParts = {
  readonly config: Config
  readonly store: Store
  /** The store's database, for the fleet's heartbeats. */
  readonly database: StoreDatabase
  /** The keys the node validates with (files or the database key store). */
  readonly keys: { current(): MultiFernet }
  /** With `key_store = database`: the set the node loaded, read for key ages and the guard. */
  readonly databaseKeys?: DatabaseKeys | undefined
  /** With `key_store = database`: the receipt set (the same object when receipts share keys). */
  readonly databaseReceiptKeys?: DatabaseKeys | undefined
  readonly cache: ValidationCache | undefined
  readonly clock: Clock
}

export type Operations = {
  readonly metrics: IdentityMetrics | undefined
  onValidation(outcome: ValidationOutcome, delegation: boolean): void
  /** The service with delegation issuance counted. */
  countDelegations(service: DelegationService): DelegationService
  context(authenticate: Authenticator, policy: PolicyEnforcer): OperationsContext
  /** What `GET /v3/OS-BATON/keys` reports (keys_report.ts). */
  readonly keys: KeysReportSources
}

/** Keystone's base rule for admin-only actions (policy files may redefine it). */
const ADMIN_RULE = 'admin_required'

export function composeOperations(parts: OperationsParts): Operations {
  const { config, clock } = parts
  const fernet = config.get(fernetTokensOptions)
  const token = config.get(tokenOptions)
  const delegation = config.get(delegationOptions)
  const guard = {
    maxActiveKeys: fernet.max_active_keys,
    tokenExpiration: token.expiration,
    allowExpiredWindow: token.allow_expired_window,
    delegationLifetime: delegation.enabled ? delegation.max_lifetime : 0,
    clock,
  }
  const statusOf =
    (databaseKeys: DatabaseKeys | undefined, path: string) =>
    (): KeyRepositoryStatus | undefined => {
      try {
        if (databaseKeys !== undefined) {
          const { files, history } = databaseKeys.keyFiles()
          return keySetStatus(files, history, guard)
        }
        return keyRepositoryStatus({ ...guard, path, logger: { warn() {} } })
      } catch {
        return undefined
      }
    }
  const keyStatus = statusOf(parts.databaseKeys, fernet.key_repository)
  // keystone's receipts use the token keys unless [fernet_receipts] key_repository names others
  const receiptPath = config.get(fernetReceiptsOptions).key_repository ?? fernet.key_repository
  const separateReceipts =
    parts.databaseKeys === undefined
      ? resolve(receiptPath) !== resolve(fernet.key_repository)
      : parts.databaseReceiptKeys !== undefined && parts.databaseReceiptKeys !== parts.databaseKeys
  const fleet = () =>
    fleetView(parts.database, keyStatus()?.keys.find((key) => key.role === 'staged')?.fingerprint)
  let metrics = config.get(metricsOptions).enabled
    ? createIdentityMetrics({ cache: parts.cache, keys: keyStatus, fleet, now: () => clock.now() })
    : undefined
  // `[DEFAULT] workers > 1`: the worker a scrape reaches answers with the sum over all workers
  // (asked of the primary over the cluster channel; its own figures, said so, if no answer comes)
  if (metrics !== undefined && cluster.isWorker) {
    metrics = { ...metrics, text: clusterMetricsReader(metrics.registry) }
  }
  return {
    metrics,
    onValidation: (outcome, delegation) => metrics?.validation(outcome, delegation),
    countDelegations(service) {
      if (metrics === undefined) return service
      return {
        ...service,
        settings: service.settings,
        async delegate(input) {
          const issued = await service.delegate(input)
          metrics.delegationCreated()
          return issued
        },
      }
    },
    keys: {
      keyStore: parts.databaseKeys === undefined ? 'files' : 'database',
      tokenKeys: keyStatus,
      receiptKeys: separateReceipts ? statusOf(parts.databaseReceiptKeys, receiptPath) : undefined,
      guard: {
        expiration: token.expiration,
        allowExpiredWindow: token.allow_expired_window,
        delegationMaxLifetime: delegation.enabled ? delegation.max_lifetime : null,
        maxActiveKeys: fernet.max_active_keys,
      },
      fleet,
      now: () => clock.now(),
    },
    context: (authenticate, policy) => ({
      config,
      metrics,
      details: detailedHealth({
        store: parts.store,
        loadedKeyCount: () => parts.keys.current().size,
        keyStatus,
        cache: parts.cache,
        fleet,
        clock,
        authenticate,
        isAdmin: (caller) => policy.allows(caller, ADMIN_RULE),
      }),
    }),
  }
}
