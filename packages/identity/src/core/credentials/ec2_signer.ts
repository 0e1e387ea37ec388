/**
 * The signatures `POST /v3/ec2tokens` recomputes (keystoneclient/contrib/ec2/utils.py
 * `Ec2Signer`, which Keystone calls): versions 0, 1 and 2 over the query parameters (v2 always
 * HMAC-SHA256, and it sets `SignatureMethod` in the parameters it signs, as keystoneclient does),
 * and version 4 over the canonical request the caller describes (verb, host, path, headers,
 * `body_hash`). Anything keystoneclient would crash on is an `InvalidSignature` here; the route
 * turns it into a 401.
 * @module
 */
import { createHash, createHmac } from 'node:crypto'

export class InvalidSignature extends Error {}

export type Ec2Request = {
  params: Record<string, unknown>
  verb?: unknown
  host?: unknown
  path?: unknown
  headers?: unknown
  body_hash?: unknown
}

/** `_get_utf8_value`: strings as they are, other scalars as Python's `str()` prints them. */
function utf8(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  throw new InvalidSignature('unsupported parameter value')
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidSignature(`${what} missing`)
  return value
}

/** Python's code-point order (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number)
  const y = [...b].map((c) => c.codePointAt(0) as number)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number)
  }
  return x.length - y.length
}

/** `urllib.parse.quote(value, safe='-_~')`: only A-Z a-z 0-9 `_.-~` stay. */
export function pyQuote(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** `_canonical_qs`. */
function canonicalQs(params: Record<string, unknown>): string {
  return Object.keys(params)
    .sort(byCodePoint)
    .map((key) => `${pyQuote(key)}=${pyQuote(utf8(params[key]))}`)
    .join('&')
}

const b64 = (digest: Buffer) => digest.toString('base64')

export function ec2Signature(secret: string, credentials: Ec2Request): string {
  const params = credentials.params
  const version = params.SignatureVersion
  if (version === '0') {
    const s = text(params.Action, 'Action') + text(params.Timestamp, 'Timestamp')
    return b64(createHmac('sha1', secret).update(s, 'utf8').digest())
  }
  if (version === '1') {
    const hmac = createHmac('sha1', secret)
    const keys = Object.keys(params).sort((a, b) => byCodePoint(a.toLowerCase(), b.toLowerCase()))
    for (const key of keys) hmac.update(key, 'utf8').update(utf8(params[key]), 'utf8')
    return b64(hmac.digest())
  }
  if (version === '2') {
    params.SignatureMethod = 'HmacSHA256'
    const verb = text(credentials.verb, 'verb')
    const host = text(credentials.host, 'host')
    const path = text(credentials.path, 'path')
    const toSign = `${verb}\n${host}\n${path}\n${canonicalQs(params)}`
    return b64(createHmac('sha256', secret).update(toSign, 'utf8').digest())
  }
  if (isV4(credentials)) return signatureV4(secret, credentials)
  throw new InvalidSignature('unknown signature version')
}

function headersOf(credentials: Ec2Request): Record<string, unknown> {
  const { headers } = credentials
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers)
    ? (headers as Record<string, unknown>)
    : {}
}

/** `_v4_creds`. */
function isV4(credentials: Ec2Request): boolean {
  const auth = headersOf(credentials).Authorization
  if (auth !== undefined) return typeof auth === 'string' && auth.startsWith('AWS4-HMAC-SHA256')
  return credentials.params['X-Amz-Algorithm'] === 'AWS4-HMAC-SHA256'
}

const hmac256 = (key: Buffer | string, msg: string) =>
  createHmac('sha256', key).update(msg, 'utf8').digest()

/** `_calc_signature_4`. */
function signatureV4(secret: string, credentials: Ec2Request): string {
  const { params } = credentials
  if (credentials.headers === undefined) throw new InvalidSignature('headers missing')
  const headers = headersOf(credentials)
  const verb = text(credentials.verb, 'verb')
  const path = text(credentials.path, 'path')
  const bodyHash = text(credentials.body_hash, 'body_hash')
  const authParam = (name: string): string => {
    const auth = headers.Authorization
    if (auth !== undefined) {
      const s = text(auth, 'Authorization')
      const at = s.indexOf(`${name}=`)
      return at === -1 ? '' : (s.slice(at + name.length + 1).split(',')[0] as string)
    }
    return text(params[`X-Amz-${name}`], name)
  }
  const lower = new Map<string, string>()
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase().trim(), utf8(v).trim())
  const stripPort = /^Boto\/2\.[0-9]\.[0-2]/.test(lower.get('user-agent') ?? '')
  const signedHeaders = authParam('SignedHeaders')
  const lines: string[] = []
  for (const h of signedHeaders.split(';')) {
    const value = lower.get(h)
    if (value === undefined) continue
    lines.push(h === 'host' && stripPort ? `${h}:${value.split(':')[0]}` : `${h}:${value}`)
  }
  const canonicalQuery = verb.toUpperCase() !== 'POST' ? canonicalQs(params) : ''
  const canonical = [
    verb.toUpperCase(),
    path,
    canonicalQuery,
    `${lines.join('\n')}\n`,
    signedHeaders,
    bodyHash,
  ].join('\n')
  const credential = authParam('Credential').split('/')
  if (credential.length < 4) throw new InvalidSignature('malformed credential scope')
  const date = credential[1] as string
  const paramDate =
    headers['X-Amz-Date'] !== undefined
      ? text(headers['X-Amz-Date'], 'X-Amz-Date')
      : text(params['X-Amz-Date'], 'X-Amz-Date')
  if (!paramDate.startsWith(date)) throw new InvalidSignature('Request date mismatch error')
  const toSign = [
    'AWS4-HMAC-SHA256',
    paramDate,
    credential.slice(1).join('/'),
    createHash('sha256').update(canonical, 'utf8').digest('hex'),
  ].join('\n')
  let key = hmac256(`AWS4${secret}`, date)
  key = hmac256(key, credential[2] as string)
  key = hmac256(key, credential[3] as string)
  key = hmac256(key, 'aws4_request')
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex')
}
