/**
 * oslo's URI type: `rfc3986` parsing plus a validator that requires a scheme and a host and checks the
 * scheme, host and path. The regular expressions are rfc3986's `abnf_regexp`, transcribed.
 * @module
 */
import { ValueProblem } from './errors.ts'

const UNRESERVED = String.raw`A-Za-z0-9._~\-`
const SUB_DELIMS = String.raw`!$&'()\*+,;=`
const PCT = '%[A-Fa-f0-9]{2}'
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`
const PCHAR_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})`
const REG_NAME = `(?:%[0-9A-Fa-f]{2}|[${SUB_DELIMS}${UNRESERVED}])*`
const IPV4 = String.raw`(?:[0-9]{1,3}\.){3}[0-9]{1,3}`
const H16 = '[0-9A-Fa-f]{1,4}'
const LS32 = `(?:${H16}:${H16}|${IPV4})`
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:)?${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
]
  .map((v) => `(?:${v})`)
  .join('|')
const ZONE_ID = `(?:[${UNRESERVED}]|${PCT})+`
const IPV6_ADDRZ_RFC4007 = `(?:${IPV6})(?:(?:%25|%)${ZONE_ID})?`
const IPV6_ADDRZ = `(?:${IPV6})(?:%25${ZONE_ID})?`
const IPV_FUTURE = String.raw`v[0-9A-Fa-f]+\.[${UNRESERVED}${SUB_DELIMS}:]+`
const IP_LITERAL = String.raw`\[(?:${IPV6_ADDRZ_RFC4007}|${IPV_FUTURE})\]`
const HOST = `(?:${REG_NAME}|${IPV4}|${IP_LITERAL})`
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})+`
const SEGMENT = `${PCHAR}*`
const PATH = `^(?:(?:/${SEGMENT})*|/(?:${PCHAR}+(?:/${SEGMENT})*)?|${PCHAR_NC}+(?:/${SEGMENT})*|${PCHAR}+(?:/${SEGMENT})*|)$`

// Python's `$` also matches before one final newline
const END = String.raw`(?=\n?$)`
const URI_PARTS =
  /^(?:(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/(?<authority>[^\\/?#]*))?(?<path>[^?#]*)/
const SUBAUTHORITY = new RegExp(`^(?:(?:${USERINFO})@)?(?<host>${HOST}):?(?:[0-9]{1,5})?${END}`)
const IPV4_HOST = new RegExp(`^${IPV4}${END}`)
const IPV6_HOST = new RegExp(String.raw`^\[${IPV6_ADDRZ_RFC4007}\]${END}`)
const IPV6_HOST_NO_RFC4007 = new RegExp(String.raw`^\[${IPV6_ADDRZ}\]${END}`)
const PATH_MATCHER = new RegExp(PATH)
const NOT_ENCODED = /[A-Za-z0-9._!\-~:/?#[\]@$&'()*+,;=]/

export interface UriRules {
  readonly schemes?: readonly string[] | undefined
  readonly maxLength?: number | undefined
}

/** Validates like `oslo_config.types.URI`; returns the value unchanged. */
export function checkUri(value: string, rules: UriRules): string {
  const allowed = describeUri(rules)
  const parts = URI_PARTS.exec(value)?.groups ?? {}
  const { scheme, authority, path = '' } = parts
  const host = hostOf(authority)
  const missing = [scheme === undefined ? 'scheme' : '', host === undefined ? 'host' : '']
  if (missing.some((m) => m !== '')) {
    throw new ValueProblem(`not a URI: no ${missing.filter((m) => m).join(' and ')}`, allowed)
  }
  if (!PATH_MATCHER.test(percentEncode(path))) throw new ValueProblem('invalid URI path', allowed)
  if (host !== undefined && IPV6_HOST.test(host) && !IPV6_HOST_NO_RFC4007.test(host)) {
    throw new ValueProblem('invalid URI host (an IPv6 zone must be written %25zone)', allowed)
  }
  if (rules.schemes && rules.schemes.length > 0 && !rules.schemes.includes(scheme as string)) {
    throw new ValueProblem(`URI scheme ${scheme} is not allowed`, allowed)
  }
  if (rules.maxLength !== undefined && value.length > rules.maxLength) {
    throw new ValueProblem(`longer than ${rules.maxLength} characters`, allowed)
  }
  return value
}

export function describeUri(rules: UriRules): string {
  const schemes = rules.schemes?.length ? ` with scheme ${rules.schemes.join(' or ')}` : ''
  const max = rules.maxLength !== undefined ? `, at most ${rules.maxLength} characters` : ''
  return `a URI with a scheme and a host (RFC 3986)${schemes}${max}`
}

/** rfc3986's `URIReference.host`: undefined when there is no authority or it does not parse. */
function hostOf(authority: string | undefined): string | undefined {
  if (!authority) return undefined
  const host = SUBAUTHORITY.exec(authority)?.groups?.host
  if (host === undefined) return undefined
  if (host && IPV4_HOST.test(host) && host.split('.').some((b) => Number(b) > 255)) return undefined
  return host
}

/** rfc3986's `encode_component`: `%` stays when every `%` already starts an escape. */
function percentEncode(component: string): string {
  const keepPercent = (component.match(/%[A-Fa-f0-9]{2}/g) ?? []).length === countPercent(component)
  let out = ''
  for (const byte of Buffer.from(component, 'utf8')) {
    const ch = String.fromCharCode(byte)
    if ((keepPercent && ch === '%') || (byte < 128 && NOT_ENCODED.test(ch))) out += ch
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function countPercent(s: string): number {
  return s.split('%').length - 1
}
