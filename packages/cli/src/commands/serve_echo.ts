/**
 * `baton serve echo`: a service guarded by the auth middleware that answers every request it lets
 * through with the identity headers it received, as JSON. Operators point it at a deployment to see
 * what a service would see; the interop tests compare it with the Python keystonemiddleware.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'
import { parsePort } from '../port_option.ts'

/** The identity headers echoed, lower-cased, in keystonemiddleware's order. */
export const ECHOED_HEADERS = [
  'x-identity-status',
  'x-service-identity-status',
  'x-user-id',
  'x-user-name',
  'x-user-domain-id',
  'x-user-domain-name',
  'x-project-id',
  'x-project-name',
  'x-project-domain-id',
  'x-project-domain-name',
  'x-domain-id',
  'x-domain-name',
  'x-roles',
  'x-is-admin-project',
  'openstack-system-scope',
  'x-service-user-id',
  'x-service-user-name',
  'x-service-user-domain-id',
  'x-service-user-domain-name',
  'x-service-project-id',
  'x-service-project-name',
  'x-service-project-domain-id',
  'x-service-project-domain-name',
  'x-service-domain-id',
  'x-service-domain-name',
  'x-service-roles',
] as const

type EchoFlags = { configFile: string[]; host: string; port: number }

export function registerServeEchoCommand(serve: Command, io: CliIo): void {
  withConfigFiles(
    serve
      .command('echo')
      .description('serve a guarded echo of the identity headers ([keystone_authtoken] config)')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--port <number>', 'port to listen on (0 picks a free port)', parsePort, 8999),
  ).action(async (flags: EchoFlags) => {
    const {
      createNodeServer,
      enforceBodyRate,
      healthcheckOptions,
      httpServerOptions,
      loadConfig,
      metricsOptions,
      nodeServerTimeouts,
      proxyHeadersOptions,
      schemeOf,
      serverTlsOptions,
      sslOptions,
      startTracing,
      stopTracing,
      tracedHandler,
    } = await import('@baton/config')
    const { withOperatorEndpoints } = await import('./echo_operations.ts')
    const { authtokenOptions, createAuthToken, guardHandler } = await import('@baton/middleware')
    // one config: [keystone_authtoken] for the middleware, [http_server] deadlines (slow clients: 408),
    // [healthcheck] and [metrics], [oslo_middleware] proxy headers, [ssl] for HTTPS
    const config = loadConfig({
      files: flags.configFile,
      env: io.env,
      groups: [
        authtokenOptions,
        httpServerOptions,
        healthcheckOptions,
        metricsOptions,
        proxyHeadersOptions,
        sslOptions,
      ],
    })
    const tls = serverTlsOptions(config.get(sslOptions)) // [ssl]: HTTPS; bad files stop here
    // OTEL_* tracing (off unless the environment asks): a server span per request
    await startTracing({
      env: io.env,
      serviceName: 'baton-echo',
      warn: (m) => io.err(`baton: warning: ${m}`),
    })
    const auth = createAuthToken({
      config,
      logger: { warn: (m) => io.err(`baton: warning: ${m}`), error: (m) => io.err(`baton: ${m}`) },
      userAgent: 'baton-echo',
    })
    const timeouts = config.get(httpServerOptions)
    const server = createNodeServer(
      tls,
      nodeServerTimeouts(timeouts),
      // /healthcheck and /metrics (when enabled) answer before the guard
      tracedHandler(withOperatorEndpoints(config, auth, guardHandler(auth, echoIdentityHeaders))),
    )
    enforceBodyRate(server, timeouts)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(flags.port, flags.host, resolve)
    })
    const { port } = server.address() as AddressInfo
    io.err(`baton: echo listening on ${schemeOf(config.get(sslOptions))}://${flags.host}:${port}`)
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => void auth.close().then(stopTracing).then(resolve))
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
  })
}

/** The echo itself: 200 with the identity headers the request carries (the bench serves it unguarded). */
export function echoIdentityHeaders(req: IncomingMessage, res: ServerResponse): void {
  const identity: Record<string, string> = {}
  for (const name of ECHOED_HEADERS) {
    const value = req.headers[name]
    if (typeof value === 'string') identity[name] = value
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ identity }))
}
