/**
 * OAuth 1.0 request signatures (RFC 5849 section 3.4) exactly as oauthlib 3.2 computes them, since
 * Keystone's OS-OAUTH1 endpoints verify consumers' requests with oauthlib
 * (keystone/oauth1/validator.py): the parameters come from the query, the `Authorization: OAuth`
 * header (realm aside) and a form-encoded body; `oauth_*` values are percent-decoded once more
 * (oauthlib's `collect_parameters`); everything is escaped with Python's `quote(s, safe='~')`,
 * sorted and joined into the signature base string, and HMAC-SHA1 is keyed with
 * `escape(consumer_secret)&escape(token_secret)`. Kept free of HTTP and storage, so the
 * OAuth1 flow (request token, access token, the `oauth1` auth method) can build on it.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ValidationError } from '../../errors.ts'

export type OAuthParam = readonly [key: string, value: string]

/** What a signed request is made of: the URL as the client addressed it, query included. */
export interface OAuthRequest {
  readonly method: string
  readonly url: string
  readonly authorization?: string | undefined
  /** The raw body, counted only when the request is `application/x-www-form-urlencoded`. */
  readonly formBody?: string | undefined
}

/** Python's `urllib.parse.quote(s, safe='~')` on the UTF-8 bytes: only unreserved stay. */
export function oauthEscape(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9_.\-~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Python's `unquote`: %XX runs decoded as UTF-8 (invalid bytes replaced), stray `%` kept. */
export function oauthUnescape(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  )
}

const URLENCODED = /^[A-Za-z0-9_.\-=&;:%+~,*@!()/?'$]*$/
const INVALID_HEX = /%[^0-9A-Fa-f]|%[0-9A-Fa-f][^0-9A-Fa-f]/

/**
 * oauthlib.common.urldecode: refuses characters outside a urlencoded string and broken `%`
 * escapes, then `parse_qsl(keep_blank_values=True)` (`+` is a space).
 */
export function urldecode(query: string): OAuthParam[] {
  if (!URLENCODED.test(query)) throw new ValidationError('Not a valid urlencoded string.')
  if (INVALID_HEX.test(query)) throw new ValidationError('Invalid hex encoding in query string.')
  const out: OAuthParam[] = []
  for (const piece of query.split('&')) {
    if (piece === '') continue
    const at = piece.indexOf('=')
    const [k, v] = at === -1 ? [piece, ''] : [piece.slice(0, at), piece.slice(at + 1)]
    out.push([oauthUnescape(k.replace(/\+/g, ' ')), oauthUnescape(v.replace(/\+/g, ' '))])
  }
  return out
}

/** Python's `urllib.request.parse_http_list`: commas outside quotes split; `\` escapes in quotes. */
function parseHttpList(text: string): string[] {
  const parts: string[] = []
  let part = ''
  let quoted = false
  let escaped = false
  for (const c of text) {
    if (escaped) {
      part += c
      escaped = false
    } else if (quoted) {
      if (c === '\\') escaped = true
      else {
        if (c === '"') quoted = false
        part += c
      }
    } else if (c === ',') {
      parts.push(part)
      part = ''
    } else {
      if (c === '"') quoted = true
      part += c
    }
  }
  if (part !== '') parts.push(part)
  return parts.map((p) => p.trim())
}

/**
 * oauthlib `parse_authorization_header`: `OAuth k="v", ...` (the scheme case-insensitive), values
 * unquoted and percent-decoded; a repeated key keeps its last value (Python's dict).
 */
export function parseAuthorizationHeader(header: string): OAuthParam[] {
  const malformed = () => new ValidationError('Malformed authorization header')
  if (header.slice(0, 6).toLowerCase() !== 'oauth ') throw malformed()
  const parsed = new Map<string, string>()
  for (const item of parseHttpList(header.slice(6))) {
    const at = item.indexOf('=')
    if (at === -1) throw malformed()
    let value = item.slice(at + 1)
    if (value === '') throw malformed()
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1)
    }
    parsed.set(item.slice(0, at), value)
  }
  return [...parsed].map(([k, v]) => [k, oauthUnescape(v)] as const)
}

function queryOf(url: string): string {
  const noFragment = url.split('#')[0] ?? ''
  const at = noFragment.indexOf('?')
  return at === -1 ? '' : noFragment.slice(at + 1)
}

/** `extract_params` of a form body: one that is not urlencoded contributes nothing. */
function formParams(body: string | undefined): OAuthParam[] {
  if (body === undefined || body === '') return []
  try {
    return urldecode(body)
  } catch {
    return []
  }
}

/**
 * oauthlib `collect_parameters`: query, then the header's parameters (realm dropped), then the
 * body; `oauth_*` values percent-decoded once more; `oauth_signature` left out.
 */
export function collectParameters(request: OAuthRequest): OAuthParam[] {
  const params: OAuthParam[] = [...urldecode(queryOf(request.url))]
  if (request.authorization !== undefined) {
    params.push(...parseAuthorizationHeader(request.authorization).filter(([k]) => k !== 'realm'))
  }
  params.push(...formParams(request.formBody))
  return params
    .map(([k, v]): OAuthParam => [k, k.startsWith('oauth_') ? oauthUnescape(v) : v])
    .filter(([k]) => k !== 'oauth_signature')
}

/**
 * The request's `oauth_*` parameters by name (the signature included), as oauthlib's endpoints
 * read them (`_get_signature_type_and_params`): from exactly one of the header, the body or the
 * query, each name once ("Duplicate OAuth1 entries.").
 */
export function oauthParameters(request: OAuthRequest): ReadonlyMap<string, string> {
  const header =
    request.authorization === undefined ? [] : parseAuthorizationHeader(request.authorization)
  const sources = [header, formParams(request.formBody), urldecode(queryOf(request.url))]
    .map((params) => params.filter(([k]) => k.startsWith('oauth_')))
    .filter((params) => params.length > 0)
  if (sources.length > 1) {
    throw new ValidationError('oauth_ params must come from only 1 signature type.')
  }
  const out = new Map<string, string>()
  for (const [k, v] of sources[0] ?? []) {
    if (out.has(k)) throw new ValidationError('Duplicate OAuth1 entries.')
    out.set(k, oauthUnescape(v))
  }
  return out
}

/** oauthlib `normalize_parameters`: escaped pairs, sorted by name then value, `&`-joined. */
export function normalizeParameters(params: readonly OAuthParam[]): string {
  const pairs = params.map(([k, v]) => [oauthEscape(k), oauthEscape(v)] as const)
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/

/**
 * oauthlib `base_string_uri` (RFC 5849 3.4.1.2): scheme and host lower-cased, the scheme's default
 * port dropped, no query or fragment, an empty path as `/`, spaces as `%20`.
 */
export function baseStringUri(url: string): string {
  const match = URL_PARTS.exec(url)
  if (!match) throw new ValidationError('missing scheme')
  const scheme = (match[1] ?? '').toLowerCase()
  const netloc = (match[2] ?? '').replace(/^.*@/, '')
  const path = match[3] === '' ? '/' : (match[3] ?? '/')
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(netloc)
  const hostname = (hostPort?.[1] ?? '').toLowerCase()
  if (hostPort === null || hostname === '') throw new ValidationError('missing host')
  const port = hostPort[2] === undefined || hostPort[2] === '' ? null : Number(hostPort[2])
  if (port !== null && !(port > 0 && port <= 65535)) {
    throw new ValidationError('port out of range')
  }
  const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443)
  const host = port === null || defaultPort ? hostname : `${hostname}:${port}`
  return `${scheme}://${host}${path}`.replace(/ /g, '%20')
}

/** RFC 5849 3.4.1: `METHOD&escape(base string URI)&escape(normalized parameters)`. */
export function signatureBaseString(request: OAuthRequest): string {
  return [
    oauthEscape(request.method.toUpperCase()),
    oauthEscape(baseStringUri(request.url)),
    oauthEscape(normalizeParameters(collectParameters(request))),
  ].join('&')
}

/** RFC 5849 3.4.2: base64 HMAC-SHA1 keyed with `escape(consumer)&escape(token)` secrets. */
export function signHmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${oauthEscape(consumerSecret)}&${oauthEscape(tokenSecret)}`)
    .update(baseString, 'utf8')
    .digest('base64')
}

/** The HMAC algorithms oauthlib verifies, by `oauth_signature_method`. */
export const HMAC_METHODS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha512'>> = {
  'HMAC-SHA1': 'sha1',
  'HMAC-SHA256': 'sha256',
  'HMAC-SHA512': 'sha512',
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * oauthlib's `verify_hmac_*` and `verify_plaintext` for the request's `oauth_signature_method`;
 * the RSA methods never verify (Keystone's validator hands them an empty key), nor do others.
 */
export function verifySignature(
  request: OAuthRequest,
  consumerSecret: string,
  tokenSecret = '',
): boolean {
  const params = oauthParameters(request)
  const given = params.get('oauth_signature')
  const method = params.get('oauth_signature_method') ?? ''
  if (given === undefined) return false
  if (method === 'PLAINTEXT') {
    const tail = tokenSecret === '' ? '' : oauthEscape(tokenSecret)
    return safeEqual(given, `${oauthEscape(consumerSecret)}&${tail}`)
  }
  const algorithm = Object.hasOwn(HMAC_METHODS, method) ? HMAC_METHODS[method] : undefined
  if (algorithm === undefined) return false
  const key = `${oauthEscape(consumerSecret)}&${oauthEscape(tokenSecret)}`
  const expected = createHmac(algorithm, key)
    .update(signatureBaseString(request), 'utf8')
    .digest('base64')
  return safeEqual(given, expected)
}

/** True when the request's `oauth_signature` is the HMAC-SHA1 of its base string. */
export function verifyHmacSha1(
  request: OAuthRequest,
  consumerSecret: string,
  tokenSecret = '',
): boolean {
  const given = oauthParameters(request).get('oauth_signature')
  if (given === undefined) return false
  const expected = signHmacSha1(signatureBaseString(request), consumerSecret, tokenSecret)
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
