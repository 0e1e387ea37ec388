/**
 * `baton serve identity`: the Keystone v3 API on one port, with `[DEFAULT] workers` processes.
 * Start-up problems (no keys, schema behind) are one line from the supervisor, before any fork.
 * @module
 */
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'
import { parsePort } from '../port_option.ts'
import { runWorkers } from '../workers.ts'
import { registerServeCloudCommands } from './serve_cloud.ts'
import { registerServeEchoCommand } from './serve_echo.ts'

type ServeFlags = { configFile: string[]; host: string; port: number }

export function registerServeCommands(program: Command, io: CliIo): void {
  const serve = program.command('serve').description('run a Baton server')
  const identity = serve.command('identity')
  withConfigFiles(
    identity
      .description('serve the Keystone v3 identity API')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--port <number>', 'port to listen on', parsePort, 5000),
  ).action(async (flags: ServeFlags) => {
    const {
      createIdentityServer,
      defaultOptions,
      identityLogger,
      serveClusterMetrics,
      sslOptions,
    } = await import('@baton/identity')
    const { metricsOptions, schemeOf, startTracing, stopTracing } = await import('@baton/config')
    const { loadIdentityConfig } = await import('../config_files.ts')
    const { doctorChainsSource } = await import('../doctor/chains_source.ts')
    const config = loadIdentityConfig(flags.configFile, quietInWorkers(io))
    const configDir =
      flags.configFile.length > 0 ? dirname(flags.configFile.at(-1) ?? '.') : undefined
    const logger = identityLogger(config) // [DEFAULT] debug, log_file, log_dir, use_json
    const options = {
      logger,
      address: `${flags.host}:${flags.port}`,
      version: cliVersion(),
      // the console's Chains view: the doctor over [console] service_config_files and these
      chains: doctorChainsSource({ identityFiles: flags.configFile }),
      ...(configDir === undefined ? {} : { configDir }),
    }
    const workers = config.get(defaultOptions).workers
    const scheme = schemeOf(config.get(sslOptions)) // [ssl] cert_file, key_file: HTTPS
    const listening = `baton: identity listening on ${scheme}://${flags.host}:${flags.port}`
    if (cluster.isPrimary && workers > 1) {
      // Fail fast and once, before forking: otherwise every worker would die with the same line.
      const probe = await createIdentityServer(config, { ...options, logger: false })
      await probe.close()
      // [metrics] enabled: the primary sums the workers' figures for whichever worker is scraped
      if (config.get(metricsOptions).enabled) serveClusterMetrics()
      io.err(`${listening} (${workers} workers)`)
    }
    const status = await runWorkers(
      workers,
      async () => {
        // OTEL_* tracing in the process that serves (each worker its own), before the app is built
        await startTracing({
          env: io.env,
          serviceName: 'baton-identity',
          serviceVersion: cliVersion(),
          warn: (m) => io.err(`baton: warning: ${m}`),
        })
        const server = await createIdentityServer(config, options)
        await server.app.listen({ host: flags.host, port: flags.port })
        if (workers <= 1) io.err(listening)
        const closed = new Promise<void>((resolve) => {
          const stop = () => void server.close().then(stopTracing).then(resolve)
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
        })
        return { closed }
      },
      io,
    )
    // main()'s status is the process's: a failed supervisor must not exit 0
    if (status !== 0) {
      identity.error(`baton: identity stopped (exit status ${status})`, {
        exitCode: status,
        code: 'baton.serve.workers',
      })
    }
  })
  registerServeEchoCommand(serve, io)
  registerServeCloudCommands(serve, io)
}

/** Workers repeat the supervisor's config warnings; only the supervisor prints them. */
function quietInWorkers(io: CliIo): CliIo {
  return cluster.isPrimary ? io : { ...io, err: () => {} }
}

/** @baton/cli's version (package.json two directories up from src/commands and dist/commands). */
function cliVersion(): string {
  try {
    const url = new URL('../../package.json', import.meta.url)
    const pkg: unknown = JSON.parse(readFileSync(url, 'utf8'))
    const version = (pkg as { version?: unknown }).version
    return typeof version === 'string' ? version : 'unknown'
  } catch {
    return 'unknown'
  }
}
