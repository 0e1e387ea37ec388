/**
 * Assembles a running identity server from its configuration: refuses to start (one actionable
 * line) without a usable key repository or with a database schema that is not current, then
 * wires keys -> token formatter -> token service (composed with its caches in compose_tokens.ts)
 * -> auth service and request authenticator, policy, and registers every API area (a fastify
 * plugin each) with the services built here. This is the composition root: nothing under api/
 * builds a service.
 * @module
 */

import { resolve } from 'node:path'
import { type Clock, type Config, loggingOptions, logSettings, systemClock } from '@baton/config'
import { FernetError, WatchedKeyRepository } from '@baton/fernet'
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
import { ServerNotReady } from '../errors.ts'
import { buildIdentityApp, type IdentityLogger } from '../http/app.ts'
import { createAuthenticator } from '../http/authenticate.ts'
import { composeOperations } from '../operations/compose_operations.ts'
import { registerOperations } from '../operations/operations_routes.ts'
import {
  authOptions,
  credentialOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  identityOptions,
  receiptOptions,
  revokeOptions,
} from '../options.ts'
import { policyFromConfig } from '../policy/index.ts'
import { ReceiptFormatter } from '../token/receipt_formatter.ts'
import { TokenFormatter } from '../token/token_formatter.ts'
import { composeTokenService } from './compose_tokens.ts'
import { openCurrentStore } from './database_access.ts'

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
}

export async function createIdentityServer(
  config: Config,
  options: IdentityServerOptions = {},
): Promise<IdentityServer> {
  const clock = options.clock ?? systemClock
  const tokenKeyPath = config.get(fernetTokensOptions).key_repository
  const keys = openKeyRepository(tokenKeyPath)
  // keystone's receipt provider exits too without its keys; by default they are the token keys
  const receiptKeyPath = config.get(fernetReceiptsOptions).key_repository ?? tokenKeyPath
  let receiptKeys = keys
  const policy = policyFromConfig(config, options.configDir)
  let opened: Awaited<ReturnType<typeof openCurrentStore>>
  try {
    if (resolve(receiptKeyPath) !== resolve(tokenKeyPath)) {
      receiptKeys = openKeyRepository(receiptKeyPath)
    }
    opened = await openCurrentStore(config, clock)
  } catch (error) {
    keys.close()
    receiptKeys.close()
    throw error
  }
  const { store, database } = opened
  const formatter = new TokenFormatter({
    keys,
    methods: config.get(authOptions).methods,
    defaultDomainId: config.get(identityOptions).default_domain_id,
    clock,
  })
  // Generation-checked, so writes by other workers and nodes on the database invalidate it.
  const validationCache = createValidationCache()
  // /healthcheck, /metrics and the counters they read (operations/)
  const ops = composeOperations({ config, store, keys, cache: validationCache, clock })
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

/** keystone's fernet provider exits when the repository is missing or empty; so do we, clearly. */
function openKeyRepository(path: string): WatchedKeyRepository {
  try {
    return new WatchedKeyRepository(path)
  } catch (error) {
    if (error instanceof FernetError) {
      throw new ServerNotReady(
        `${error.message}; create the key repository with \`baton keys setup --config-file ...\``,
        { cause: error },
      )
    }
    throw error
  }
}
