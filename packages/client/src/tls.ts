/**
 * keystoneauth's session TLS options (`cafile`, `certfile`, `keyfile`, `insecure`) for Node: read
 * once into an undici `Agent` handed to fetch as its `dispatcher` (Node's global fetch takes no
 * CA or client certificate of its own) and a node:https `Agent` for streamed bodies, which go
 * through node:https (http_stream.ts). A handshake that fails becomes an `SslError` naming the URL,
 * OpenSSL's reason and the option that would fix it, never a bare "fetch failed".
 * @module
 */
import { readFileSync } from 'node:fs'
import { Agent as HttpsAgent } from 'node:https'
import { Agent as UndiciAgent } from 'undici'
import { ConfigurationError, SslError } from './errors.ts'

/** keystoneauth's option names, as `[keystone_authtoken]` and `[service_user]` spell them. */
export type TlsValues = {
  readonly cafile?: string | undefined
  readonly certfile?: string | undefined
  readonly keyfile?: string | undefined
  readonly insecure?: boolean | undefined
}

/** The connection settings a Session sends with (one per configured group, shared by its sessions). */
export class ClientTls {
  /**
   * For fetch's `dispatcher` (typed as the pinned undici's Agent: the published declarations must
   * not lean on @types/node's `RequestInit`, which a consumer with the DOM lib does not have).
   */
  readonly dispatcher: UndiciAgent
  /** For node:https requests (streamed bodies). */
  readonly httpsAgent: HttpsAgent
  /** `insecure = true`: the server's certificate is not checked. */
  readonly insecure: boolean
  /** Whether a CA file was given (the hint in an SslError depends on it). */
  readonly hasCafile: boolean
  /** Whether a client certificate is presented. */
  readonly hasCertfile: boolean

  constructor(o: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure: boolean }) {
    const connect = {
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      ...(o.cert === undefined ? {} : { cert: o.cert }),
      ...(o.key === undefined ? {} : { key: o.key }),
      rejectUnauthorized: !o.insecure,
    }
    this.dispatcher = new UndiciAgent({ connect })
    this.httpsAgent = new HttpsAgent({ ...connect, keepAlive: true })
    this.insecure = o.insecure
    this.hasCafile = o.ca !== undefined
    this.hasCertfile = o.cert !== undefined
  }

  /** Closes idle connections (tests; a service closes its sessions on shutdown). */
  async close(): Promise<void> {
    this.httpsAgent.destroy()
    await this.dispatcher.close()
  }
}

/**
 * The ClientTls for a group's values, or undefined when none is set (the defaults: Node's CA store,
 * no client certificate). A file that cannot be read is a ConfigurationError naming
 * `[group] option`; `insecure = true` logs a warning once, as urllib3 does on every request.
 */
export function clientTlsFromOptions(
  v: TlsValues,
  group: string,
  warn?: (message: string) => void,
): ClientTls | undefined {
  const cafile = given(v.cafile)
  const certfile = given(v.certfile)
  const keyfile = given(v.keyfile)
  const insecure = v.insecure === true
  if (cafile === undefined && certfile === undefined && keyfile === undefined && !insecure) {
    return undefined
  }
  if (keyfile !== undefined && certfile === undefined) {
    throw new ConfigurationError(`[${group}] keyfile is set without certfile`)
  }
  if (insecure) {
    warn?.(
      `[${group}] insecure = true: HTTPS certificates are not verified, so anyone on the path ` +
        'can read the tokens sent; set cafile instead',
    )
  }
  const read = (option: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined
    try {
      return readFileSync(path)
    } catch (error) {
      const code = (error as { code?: unknown }).code
      throw new ConfigurationError(
        `[${group}] ${option} ${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}`,
      )
    }
  }
  const ca = read('cafile', cafile)
  const cert = read('certfile', certfile)
  // keystoneauth: certfile alone may hold the key too
  const key = read('keyfile', keyfile) ?? cert
  return new ClientTls({
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    insecure,
  })
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** OpenSSL verification codes: the server's certificate is not trusted from here. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
])
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])

/**
 * The SslError for a failed request, or undefined when `error` (fetch's TypeError with its cause,
 * or a node:https socket error) is not a TLS failure.
 */
export function tlsFailure(
  url: string,
  error: unknown,
  tls: ClientTls | undefined,
): SslError | undefined {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  if (!(cause instanceof Error)) return undefined
  const code = (cause as { code?: unknown }).code
  if (typeof code !== 'string') return undefined
  const origin = originOf(url)
  const reason = opensslReason(cause.message)
  const fail = (message: string) => new SslError(origin, reason, message, { cause })
  if (UNTRUSTED.has(code)) {
    const hint = tls?.hasCafile
      ? 'the CA in cafile did not sign it; set cafile to the CA that did'
      : 'set cafile to the CA that signed it'
    return fail(`cannot verify ${origin}: ${reason}; ${hint}`)
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(
      `cannot verify ${origin}: ${reason}; use a URL whose host the certificate names ` +
        '(subjectAltName)',
    )
  }
  if (EXPIRED.has(code)) {
    return fail(`cannot verify ${origin}: ${reason}; the server needs a current certificate`)
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') {
    const hint = /certificate/i.test(reason)
      ? '; the server may require a client certificate: set certfile and keyfile'
      : ''
    return fail(`TLS handshake with ${origin} failed: ${reason}${hint}`)
  }
  return undefined
}

/**
 * OpenSSL's reason without its error-queue prefix and source position:
 * `80DC...:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/...`
 * becomes `tlsv13 alert certificate required`.
 */
function opensslReason(message: string): string {
  const reason = /:SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message
  // Node 24 appends its own advice (trust the system's CAs); Baton's hint (cafile) replaces it
  return reason.replace(
    /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/,
    '',
  )
}

/**
 * A hint for a connection an HTTPS server closed before answering: with TLS 1.3 a server that wants
 * a client certificate sends its alert after the client's handshake is done, and fetch sees only
 * "other side closed". Empty when no hint applies.
 */
export function closedConnectionHint(
  url: string,
  code: string | undefined,
  tls: ClientTls | undefined,
): string {
  if (code !== 'UND_ERR_SOCKET' || !url.startsWith('https:') || tls?.hasCertfile === true) return ''
  return ' (if the server requires a client certificate, set certfile and keyfile)'
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}
