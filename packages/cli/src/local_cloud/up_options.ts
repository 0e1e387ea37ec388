/**
 * Parsers for `baton up`'s option values: a bad value fails while the command line is parsed,
 * before the data directory is created or anything in it is touched.
 * @module
 */
import { isIP } from 'node:net'
import { InvalidArgumentError } from 'commander'
import { parsePort } from '../port_option.ts'

/** As the serve verbs' `--port`, without 0: up prints its URLs before anything listens. */
export function parseUpPort(value: string): number {
  const port = parsePort(value)
  if (port === 0) throw new InvalidArgumentError('a port is an integer from 1 to 65535')
  return port
}

export function parseUpHost(value: string): string {
  if (value !== 'localhost' && isIP(value) === 0) {
    throw new InvalidArgumentError('an IP address (such as 127.0.0.1 or ::1) or localhost')
  }
  return value
}

export function parseDataDir(value: string): string {
  if (value.trim() === '' || value.includes('\0')) {
    throw new InvalidArgumentError('a directory path')
  }
  return value
}
