/**
 * HTTPS for Baton's servers (identity, the reference services, the echo): oslo.service's `[ssl]`
 * group, with its option names (`cert_file`, `key_file`, `ca_file`), read once at start-up into the
 * options node's `https.createServer` takes. As in oslo.service's `sslutils`, a server serves HTTPS
 * when `cert_file` or `key_file` is set, needs both, and with `ca_file` demands a client
 * certificate signed by that CA. A missing file, a file that is not PEM, or a key that does not
 * belong to the certificate refuses the start with one line naming the option and the file: a
 * server that silently fell back to plain HTTP would send tokens in the clear.
 * @module
 */
import { readFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerOptions,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createSecureContext, type TlsOptions } from 'node:tls'
import { ConfigError, ConfigErrorCode } from './errors.ts'
import { defineGroup, type GroupValues } from './groups.ts'
import { opt } from './options.ts'

export const sslOptions = defineGroup(
  'ssl',
  {
    cert_file: opt.str({
      help:
        'Certificate file (PEM, the server’s certificate first, then any intermediates) to use ' +
        'when starting the server securely (HTTPS). Needs key_file.',
      deprecatedNames: [{ group: 'DEFAULT', name: 'ssl_cert_file' }],
    }),
    key_file: opt.str({
      help: 'Private key file (PEM) to use when starting the server securely. Needs cert_file.',
      deprecatedNames: [{ group: 'DEFAULT', name: 'ssl_key_file' }],
    }),
    ca_file: opt.str({
      help:
        'CA certificate file (PEM) to use to verify connecting clients: when set, a client must ' +
        'present a certificate signed by it (mutual TLS), else the handshake fails.',
      deprecatedNames: [{ group: 'DEFAULT', name: 'ssl_ca_file' }],
    }),
  },
  { help: 'HTTPS for this server (oslo.service’s [ssl] options).' },
)

export type SslValues = GroupValues<(typeof sslOptions)['options']>

/** What `https.createServer` needs beyond the HTTP server's own options. */
export type ServerTlsOptions = Pick<
  TlsOptions,
  'cert' | 'key' | 'ca' | 'requestCert' | 'rejectUnauthorized'
> & {
  readonly cert: Buffer
  readonly key: Buffer
}

/**
 * The HTTPS options `[ssl]` asks for, or undefined for plain HTTP. Throws a ConfigError (one line,
 * naming `[ssl] option` and the file) when a file is missing or unreadable, or the key does not
 * match the certificate.
 */
export function serverTlsOptions(v: Partial<SslValues>): ServerTlsOptions | undefined {
  const certFile = given(v.cert_file)
  const keyFile = given(v.key_file)
  const caFile = given(v.ca_file)
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined) {
      throw new ConfigError(
        ConfigErrorCode.Value,
        '[ssl] ca_file is set but cert_file and key_file are not: the server cannot ask for ' +
          'client certificates without serving HTTPS',
      )
    }
    return undefined
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError(
      ConfigErrorCode.Value,
      'When running server in SSL mode, you must specify both [ssl] cert_file and key_file',
    )
  }
  const cert = readPem('cert_file', certFile)
  const key = readPem('key_file', keyFile)
  const ca = caFile === undefined ? undefined : readPem('ca_file', caFile)
  try {
    createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) })
  } catch (error) {
    throw new ConfigError(
      ConfigErrorCode.Value,
      `[ssl] cert_file ${certFile} and key_file ${keyFile} cannot be used together: ${reasonOf(error)}`,
      { cause: error },
    )
  }
  if (ca === undefined) return { cert, key }
  return { cert, key, ca, requestCert: true, rejectUnauthorized: true }
}

/** `https` when `[ssl]` asks for HTTPS (cert_file or key_file set), for the URL a server prints. */
export function schemeOf(v: Partial<SslValues>): 'https' | 'http' {
  return given(v.cert_file) === undefined && given(v.key_file) === undefined ? 'http' : 'https'
}

/**
 * The node server for `tls` (undefined: plain HTTP) with the HTTP server options (deadlines). Typed
 * as an http.Server: an https.Server is one at run time (it inherits http.Server's request
 * handling), and fastify's `serverFactory` and `enforceBodyRate` take that type.
 */
export function createNodeServer(
  tls: ServerTlsOptions | undefined,
  options: ServerOptions,
  handler?: RequestListener,
): Server {
  if (tls === undefined) return createHttpServer(options, handler)
  return createHttpsServer({ ...options, ...tls }, handler) as unknown as Server
}

/**
 * Spread into fastify's options: nothing for plain HTTP (fastify builds its own server from its
 * `http` options), else a `serverFactory` building the HTTPS server with the same deadlines.
 * fastify sets keepAliveTimeout on a server it builds itself, so the factory does too.
 */
export function fastifyTlsOptions(
  tls: ServerTlsOptions | undefined,
  options: ServerOptions,
): {
  serverFactory?: (handler: RequestListener, opts: { keepAliveTimeout?: number }) => Server
} {
  if (tls === undefined) return {}
  return {
    serverFactory: (handler, opts) => {
      const server = createNodeServer(tls, options, handler)
      if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout
      return server
    },
  }
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function readPem(option: string, path: string): Buffer {
  let data: Buffer
  try {
    data = readFileSync(path)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why = code === 'ENOENT' ? 'no such file' : reasonOf(error)
    throw new ConfigError(ConfigErrorCode.File, `[ssl] ${option} ${path}: ${why}`, {
      cause: error,
    })
  }
  if (!data.includes('-----BEGIN ')) {
    throw new ConfigError(ConfigErrorCode.Value, `[ssl] ${option} ${path}: not a PEM file`)
  }
  return data
}

/** OpenSSL's reason without its library prefix ("key values mismatch"). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^error:[0-9A-Fa-f]+:[^:]*:[^:]*:/, '')
}
