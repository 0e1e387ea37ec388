/**
 * The `--port` value parser the serve verbs and `up` share, in a module of its own so that serve.ts and the
 * verbs it registers (serve_cloud.ts, serve_echo.ts) do not import each other.
 * @module
 */
import { InvalidArgumentError } from 'commander'

/** A TCP port in decimal digits, 0 (any free port) included; else a usage error before any work. */
export function parsePort(value: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError('a port is an integer from 0 to 65535')
  }
  return port
}
