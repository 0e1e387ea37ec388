/**
 * `baton serve compute|volume|image|object --config-file F`: one reference service, guarded by the
 * auth middleware, calling the next one with `[service_user]` service tokens.
 * @module
 */
import type { ServiceSpec } from '@baton/cloud'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_file_option.ts'
import type { CliIo } from '../io.ts'
import { DEFAULT_PORTS, SERVICES } from '../local_cloud/plan.ts'
import { parsePort } from '../port_option.ts'

/** The service specs, loaded only when one is served (the cloud package pulls fastify and SQLite). */
export async function serviceSpecs(): Promise<Readonly<Record<string, ServiceSpec>>> {
  const { serviceSpecs } = await import('@baton/cloud')
  return Object.fromEntries(serviceSpecs.map((spec) => [spec.name, spec]))
}

type Flags = { configFile: string[]; host?: string; port?: number }

export function registerServeCloudCommands(serve: Command, io: CliIo): void {
  for (const name of SERVICES) {
    withConfigFiles(
      serve
        .command(name)
        .description(`serve the reference ${name} service`)
        .option('--host <address>', 'address to listen on (default: [DEFAULT] host)')
        .option(
          '--port <number>',
          `port to listen on (default: [DEFAULT] port, else ${DEFAULT_PORTS[name]})`,
          parsePort,
        ),
    ).action(async (flags: Flags) => {
      const { startService } = await import('@baton/cloud')
      const { startTracing, stopTracing } = await import('@baton/config')
      // OTEL_* tracing (off unless the environment asks), started before the app is built
      await startTracing({
        env: io.env,
        serviceName: `baton-${name}`,
        warn: (m) => io.err(`baton: warning: ${m}`),
      })
      const spec = (await serviceSpecs())[name]
      if (spec === undefined) throw new Error(`no service spec for ${name}`)
      const running = await startService(spec, {
        configFiles: flags.configFile,
        env: io.env,
        log: (line) => io.err(line),
        ...(flags.host === undefined ? {} : { host: flags.host }),
        ...(flags.port === undefined ? {} : { port: flags.port }),
      })
      io.err(`baton: ${name} listening on ${running.url}`)
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await running.close()
      await stopTracing()
    })
  }
}
