/**
 * One HTTP exchange over Node's global fetch, and keystoneauth's retry loop around it: connection
 * failures (refused, reset, hang-up, DNS) are retried with exponential backoff; a timeout is not
 * (the server may already have acted on the request); status retries only for 503 and only when
 * asked for.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { ConnectFailure, RequestTimeout } from './errors.ts'
import { type ClientTls, closedConnectionHint, tlsFailure } from './tls.ts'

export type OutgoingRequest = {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
  readonly timeoutMs: number | undefined
  /** cafile/certfile/keyfile/insecure; undefined: Node's CA store, no client certificate. */
  readonly tls?: ClientTls | undefined
}

export type RawResponse = {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly url: string
}

export type RetryPolicy = {
  readonly connectRetries: number
  readonly statusCodeRetries: number
  /** First delay; doubles after every retry, capped at MAX_RETRY_DELAY_MS. */
  readonly retryDelayMs: number
  readonly warn: (message: string) => void
}

export const MAX_RETRY_DELAY_MS = 60_000
/** keystoneauth's default retriable status codes. */
const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([503])
/** Network errors that mean "no answer came", worth another attempt. */
const RETRIABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
])

class Attempt {
  readonly error: ConnectFailure
  readonly retriable: boolean
  constructor(error: ConnectFailure, retriable: boolean) {
    this.error = error
    this.retriable = retriable
  }
}

/** Sends until an answer comes or the retries run out; throws ConnectFailure or RequestTimeout. */
export async function sendWithRetries(
  req: OutgoingRequest,
  policy: RetryPolicy,
): Promise<RawResponse> {
  let connectLeft = policy.connectRetries
  let statusLeft = policy.statusCodeRetries
  let delay = policy.retryDelayMs
  for (;;) {
    const outcome = await sendOnce(req)
    if (outcome instanceof Attempt) {
      if (!outcome.retriable || connectLeft <= 0) throw outcome.error
      connectLeft -= 1
      policy.warn(`${outcome.error.message}. Retrying in ${delay / 1000} s.`)
    } else if (RETRIABLE_STATUSES.has(outcome.status) && statusLeft > 0) {
      statusLeft -= 1
      policy.warn(
        `${req.method} ${req.url} answered ${outcome.status}. Retrying in ${delay / 1000} s.`,
      )
    } else {
      return outcome
    }
    await sleep(delay)
    delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)
  }
}

/**
 * The dispatcher type Node's global fetch declares (@types/node's undici-types). The pinned undici
 * Agent is one at run time (the Dispatcher protocol Node's bundled undici speaks, checked on Node
 * 20, whose fetch is undici 6); only the two packages' declaration files differ.
 */
function fetchDispatcher(agent: object): NonNullable<RequestInit['dispatcher']> {
  return agent as NonNullable<RequestInit['dispatcher']>
}

async function sendOnce(req: OutgoingRequest): Promise<RawResponse | Attempt> {
  const signal = req.timeoutMs === undefined ? undefined : AbortSignal.timeout(req.timeoutMs)
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(signal === undefined ? {} : { signal }),
      ...(req.tls === undefined ? {} : { dispatcher: fetchDispatcher(req.tls.dispatcher) }),
    })
    // the timeout covers the body too: a server that stalls mid-answer is a timeout
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, url: res.url || req.url }
  } catch (error) {
    if (isTimeout(error)) {
      throw new RequestTimeout(`${req.method} ${req.url} timed out after ${req.timeoutMs} ms`, {
        cause: error,
      })
    }
    // an untrusted certificate is no passing hiccup: no retry, and the fix in the message
    const ssl = tlsFailure(req.url, error, req.tls)
    if (ssl !== undefined) return new Attempt(ssl, false)
    const { reason, retriable, code } = networkReason(error)
    const hint = closedConnectionHint(req.url, code, req.tls)
    const failure = new ConnectFailure(
      `Unable to establish connection to ${req.url}: ${reason}${hint}`,
      {
        cause: error,
      },
    )
    return new Attempt(failure, retriable)
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

/** undici wraps the socket error as `TypeError('fetch failed', { cause })`. */
function networkReason(error: unknown): { reason: string; retriable: boolean; code?: string } {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined
  const code = (cause as { code?: unknown } | undefined)?.code
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error))
  if (typeof code === 'string') {
    return { reason: `${code} ${message}`, retriable: RETRIABLE_CODES.has(code), code }
  }
  return { reason: message, retriable: /socket hang up|other side closed/i.test(message) }
}
