/**
 * `baton serve compute|volume|image|object --config-file F`: one reference service, guarded by the
 * auth middleware, calling the next one with `[service_user]` service tokens.
 * @module
 */
import {
  computeService,
  imageService,
  objectService,
  type ServiceSpec,
  startService,
  volumeService,
} from '@baton/cloud'
import type { Command } from 'commander'
import { withConfigFiles } from '../config_files.ts'
import type { CliIo } from '../io.ts'
import { parsePort } from './serve.ts'

const SPECS: Readonly<Record<string, ServiceSpec>> = {
  compute: computeService,
  volume: volumeService,
  image: imageService,
  object: objectService,
}

type Flags = { configFile: string[]; host?: string; port?: number }

export function registerServeCloudCommands(serve: Command, io: CliIo): void {
  for (const [name, spec] of Object.entries(SPECS)) {
    withConfigFiles(
      serve
        .command(name)
        .description(`serve the reference ${name} service`)
        .option('--host <address>', 'address to listen on (default: [DEFAULT] host)')
        .option(
          '--port <number>',
          `port to listen on (default: [DEFAULT] port, else ${spec.defaultPort})`,
          parsePort,
        ),
    ).action(async (flags: Flags) => {
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
    })
  }
}
