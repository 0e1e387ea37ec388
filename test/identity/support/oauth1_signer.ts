/**
 * A test-side OAuth 1.0 client: builds the `Authorization: OAuth ...` header keystoneclient's
 * oauthlib `Client` sends (HMAC-SHA1, parameters in the header), signed with the signature module
 * whose base strings and signatures are checked against oauthlib itself
 * (test/identity/core/oauth1/fixtures/oauth1_signatures.json).
 * @module
 */
import {
  oauthEscape,
  signatureBaseString,
  signHmacSha1,
} from '../../../packages/identity/src/core/oauth1/signature.ts'

export interface OAuthSigning {
  readonly url: string
  readonly consumerKey: string
  readonly consumerSecret: string
  readonly token?: string
  readonly tokenSecret?: string
  readonly verifier?: string
  readonly callback?: string | undefined
  /** Milliseconds; the header carries whole seconds. */
  readonly now: number
  readonly nonce?: string
  readonly method?: string
  /** Replaces the computed signature (a forged request). */
  readonly signature?: string
}

export function oauthHeader(s: OAuthSigning): string {
  const params: [string, string][] = [
    ['oauth_nonce', s.nonce ?? '1234567890123456789'],
    ['oauth_timestamp', String(Math.floor(s.now / 1000))],
    ['oauth_version', '1.0'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_consumer_key', s.consumerKey],
  ]
  if (s.token !== undefined) params.push(['oauth_token', s.token])
  if (s.verifier !== undefined) params.push(['oauth_verifier', s.verifier])
  if (s.callback !== undefined) params.push(['oauth_callback', s.callback])
  const header = (extra: [string, string][]) =>
    `OAuth ${[...params, ...extra].map(([k, v]) => `${k}="${oauthEscape(v)}"`).join(', ')}`
  const base = signatureBaseString({
    method: s.method ?? 'POST',
    url: s.url,
    authorization: header([]),
  })
  const signature = s.signature ?? signHmacSha1(base, s.consumerSecret, s.tokenSecret ?? '')
  return header([['oauth_signature', signature]])
}

/** Keystone's form-encoded answer as an object. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body))
}
