/**
 * Assembles a running identity server from its configuration: refuses to start (one actionable
 * line) without a usable key repository or with a database schema that is not current, then
 * wires keys -> token formatter -> token service (composed with its caches in compose_tokens.ts)
 * -> auth service and request authenticator, policy, and registers every API area (a fastify
 * plugin each) with the services built here, and starts the node's fleet agent (heartbeats,
 * automatic rotation; fleet/fleet_agent.ts). Keys and store open in open_node_keys.ts. This is
 * the composition root: nothing under api/ builds a service.
 * @module
 */

import { hostname } from 'node:os'
import { type Clock, type Config, loggingOptions, logSettings, systemClock } from '@baton/config'
import type { FastifyInstance } from 'fastify'
import { authApi } from '../api/auth/index.ts'
import type { ApiContext } from '../api/context.ts'
import { credentialApi } from '../api/credentials/index.ts'
import { delegationApi, tokenExchangeApi } from '../api/delegation/index.ts'
import { resourceApis } from '../api/v3/index.ts'
import { revocationStreamApi } from '../api/v3/revocation_stream_area.ts'
import { createValidationCache } from '../cache/index.ts'
import { authSettings, createAuthService } from '../core/auth/index.ts'
import { createReceiptService } from '../core/auth/receipts.ts'
import { createCredentialCrypto } from '../core/credentials/credential_crypto.ts'
import { createDelegationService } from '../core/delegations/delegation_service.ts'
import { delegationSettings } from '../core/delegations/delegation_settings.ts'
import { createRedisRevocationPublisher } from '../core/revocation_feed/redis_publisher.ts'
import { RevocationFeed } from '../core/revocation_feed/revocation_feed.ts'
import { tokenSettings } from '../core/tokens/index.ts'
import { FleetAgent } from '../fleet/fleet_agent.ts'
import { buildIdentityApp, type IdentityLogger } from '../http/app.ts'
import { createAuthenticator } from '../http/authenticate.ts'
import { auditApi, auditSources } from '../operations/audit_routes.ts'
import type { ChainsSource } from '../operations/chains_report.ts'
import { chainsApi } from '../operations/chains_routes.ts'
import { composeOperations } from '../operations/compose_operations.ts'
import { registerConsoleRoutes } from '../operations/console_routes.ts'
import { keysApi } from '../operations/keys_routes.ts'
import { registerOperations } from '../operations/operations_routes.ts'
import {
  authOptions,
  consoleOptions,
  credentialOptions,
  delegationOptions,
  fernetTokensOptions,
  fleetOptions,
  identityOptions,
  receiptOptions,
  revokeOptions,
  tokenOptions,
} from '../options.ts'
import { policyFromConfig } from '../policy/index.ts'
import { ReceiptFormatter } from '../token/receipt_formatter.ts'
import { TokenFormatter } from '../token/token_formatter.ts'
import { composeTokenService } from './compose_tokens.ts'
import { openNodeKeysAndStore } from './open_node_keys.ts'

export type IdentityServer = {
  readonly app: FastifyInstance
  /** Stops accepting requests, then releases keys and database. */
  close(): Promise<void>
}

export type IdentityServerOptions = {
  /** Tests move time; production uses the wall clock. */
  readonly clock?: Clock
  /** False (the default here) for none; `identityLogger(config)` for what the config asks. */
  readonly logger?: false | IdentityLogger
  /** Where relative paths in the config (policy_file) are resolved; the config file's folder. */
  readonly configDir?: string
  /** `host:port` this node serves on, for its fleet heartbeat (`[fleet] node_id` defaults to hostname:port). */
  readonly address?: string
  /** Baton's version, for the fleet heartbeat. */
  readonly version?: string
  /** The doctor's checks for the console's Chains view (`baton serve identity` injects them). */
  readonly chains?: ChainsSource
}

export async function createIdentityServer(
  config: Config,
  options: IdentityServerOptions = {},
): Promise<IdentityServer> {
  const clock = options.clock ?? systemClock
  const fernetTokens = config.get(fernetTokensOptions)
  const policy = policyFromConfig(config, options.configDir)
  const { keys, receiptKeys, fingerprints, fleetKeys, opened } = await openNodeKeysAndStore(
    config,
    clock,
  )
  const { store, database } = opened
  const fleet = config.get(fleetOptions)
  const port = options.address?.split(':').at(-1) ?? String(process.pid)
  const rotationInterval = fernetTokens.rotation_interval
  const delegation = config.get(delegationOptions)
  const agent = new FleetAgent({
    database,
    nodeId: fleet.node_id ?? `${hostname()}:${port}`,
    address: options.address ?? 'unknown',
    intervalSeconds: fleet.heartbeat_interval,
    keyStore: fleetKeys === undefined ? 'files' : 'database',
    fingerprints,
    kekFingerprint: fleetKeys?.kek.fingerprint ?? null,
    version: options.version ?? 'unknown',
    clock,
    log: {
      info: (message) => console.error(`baton: ${message}`),
      warn: (message) => console.error(`baton: ${message}`),
    },
    rotation:
      fleetKeys === undefined || rotationInterval === 0
        ? undefined
        : {
            intervalSeconds: rotationInterval,
            maxActiveKeys: fernetTokens.max_active_keys,
            tokenExpiration: config.get(tokenOptions).expiration,
            allowExpiredWindow: config.get(tokenOptions).allow_expired_window,
            delegationLifetime: delegation.enabled ? delegation.max_lifetime : 0,
            kek: fleetKeys.kek,
            keys: fleetKeys.tokens,
          },
  })
  if (rotationInterval > 0 && fleetKeys === undefined) {
    console.error(
      'baton: [fernet_tokens] rotation_interval is ignored with key_store = files (automatic rotation needs key_store = database)',
    )
  }
  await agent.start()
  const formatter = new TokenFormatter({
    keys,
    methods: config.get(authOptions).methods,
    defaultDomainId: config.get(identityOptions).default_domain_id,
    clock,
  })
  // Generation-checked, so writes by other workers and nodes on the database invalidate it.
  const validationCache = createValidationCache()
  // /healthcheck, /metrics and the counters they read (operations/)
  const ops = composeOperations({
    config,
    store,
    database,
    keys,
    databaseKeys: fleetKeys?.tokens,
    databaseReceiptKeys: fleetKeys?.receipts,
    cache: validationCache,
    clock,
  })
  // Token service composition: what is cached is decided here and nowhere else.
  const { tokens, callerOf } = composeTokenService({
    store,
    formatter,
    settings: tokenSettings(config),
    clock,
    validationCache,
    onValidation: ops.onValidation,
  })

  // --- The API: services built here, handed to each API area (a fastify plugin) ---
  const settings = authSettings(config)
  const credentialCrypto = createCredentialCrypto({
    path: config.get(credentialOptions).key_repository,
  })
  const receipts = createReceiptService({
    formatter: new ReceiptFormatter({
      keys: receiptKeys,
      methods: config.get(authOptions).methods,
      clock,
    }),
    clock,
    expirationSeconds: config.get(receiptOptions).expiration,
  })
  const auth = createAuthService({ store, tokens, settings, clock, credentialCrypto, receipts })
  const authenticate = createAuthenticator(tokens, callerOf)
  const delegations = ops.countDelegations(
    createDelegationService({ store, tokens, clock, settings: delegationSettings(config) }),
  )
  // Revocation events for middlewares (long-poll) and, when configured, Redis pub/sub.
  const revoke = config.get(revokeOptions)
  const revocationFeed = new RevocationFeed({
    revocation: store.revocation,
    clock,
    pollIntervalMs: revoke.event_poll_interval * 1000,
    publisher:
      revoke.redis_url === undefined || revoke.redis_url === ''
        ? undefined
        : createRedisRevocationPublisher({ url: revoke.redis_url, channel: revoke.redis_channel }),
    warn: (message) => app.log.warn(message),
  })
  const app = buildIdentityApp({
    config,
    logger: options.logger ?? false,
    routes: (instance, http) => {
      registerOperations(instance, ops.context(authenticate, policy))
      instance.register(keysApi, { ctx: { authenticate, policy, keys: ops.keys } })
      const chains = {
        source: options.chains,
        files: config.get(consoleOptions).service_config_files,
        catalog: store.catalog,
        now: () => clock.now(),
      }
      instance.register(chainsApi, { ctx: { authenticate, policy, chains } })
      const audit = auditSources(config, store, clock)
      instance.register(auditApi, { ctx: { authenticate, policy, audit } })
      registerConsoleRoutes(instance)
      const ctx: ApiContext = { ...http, config, store, policy, clock, authenticate }
      instance.register(authApi, { ctx: { ...ctx, tokens, auth, delegations } })
      instance.register(delegationApi, { ctx: { ...ctx, tokens, delegations } })
      instance.register(tokenExchangeApi, { ctx: { ...ctx, tokens, delegations } })
      for (const area of resourceApis) instance.register(area, { ctx })
      instance.register(revocationStreamApi, { ctx: { ...ctx, revocationFeed } })
      const primaryMethods = settings.primaryMethods
      instance.register(credentialApi, {
        ctx: { ...ctx, tokens, credentialCrypto, primaryMethods },
      })
    },
  })
  // --- end of the API block ---
  // Waiting subscribers answer at once, so closing never waits out a long-poll.
  app.addHook('preClose', async () => {
    await revocationFeed.close()
  })
  return {
    app,
    async close() {
      await revocationFeed.close()
      await app.close()
      await agent.close()
      keys.close()
      receiptKeys.close()
      await database.close()
    },
  }
}

/** The log oslo.log's `[DEFAULT] debug`, `log_file`, `log_dir` and `use_json` ask for. */
export function identityLogger(config: Config): IdentityLogger {
  return { ...logSettings(config.get(loggingOptions), 'baton-identity') }
}
