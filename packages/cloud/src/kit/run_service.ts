/**
 * Serves one reference service on its port until SIGINT/SIGTERM (what `baton serve compute|volume|
 * image|object` and `baton up` run).
 * @module
 */
import type { AddressInfo } from 'node:net'
import { schemeOf, sslOptions } from '@baton/config'
import { serviceDefaultOptions } from './options.ts'
import {
  type BuildOptions,
  buildService,
  type ServiceRuntime,
  type ServiceSpec,
} from './service_app.ts'

export type RunningService = {
  readonly url: string
  readonly runtime: ServiceRuntime
  close(): Promise<void>
}

export async function startService(
  spec: ServiceSpec,
  o: BuildOptions & { readonly port?: number; readonly host?: string },
): Promise<RunningService> {
  const runtime = await buildService(spec, o)
  const defaults = runtime.ctx.config.get(serviceDefaultOptions)
  const host = o.host ?? defaults.host
  const port = o.port ?? defaults.port ?? spec.defaultPort
  try {
    await runtime.app.listen({ host, port })
  } catch (error) {
    await runtime.close()
    throw error
  }
  const address = runtime.app.server.address() as AddressInfo
  const scheme = schemeOf(runtime.ctx.config.get(sslOptions))
  return { url: `${scheme}://${host}:${address.port}`, runtime, close: () => runtime.close() }
}
