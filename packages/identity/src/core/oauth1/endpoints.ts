/**
 * The checks oauthlib's RequestTokenEndpoint, AccessTokenEndpoint and ResourceEndpoint make
 * before a signature is compared, with Keystone's validator (keystone/oauth1/validator.py): ids
 * are 32 lower-case hex characters, nonces hex digits, verifiers 8 characters of Keystone's
 * alphabet, timestamps 10 digits within 600 seconds of now, no realm, SSL not enforced, nonces
 * never remembered. An oauthlib error becomes what Keystone's `validate_oauth_params` makes of
 * it: a 400 "Validation failed with errors: <error>, detail message is: <description>.".
 * @module
 */
import type { EpochMs } from '@baton/config'
import { ValidationError } from '../../errors.ts'
import { type OAuthRequest, oauthParameters, parseAuthorizationHeader } from './signature.ts'

/** oauthlib `SIGNATURE_METHODS`, which Keystone's validator allows. */
const ALLOWED_METHODS = [
  'HMAC-SHA1',
  'HMAC-SHA256',
  'HMAC-SHA512',
  'RSA-SHA1',
  'RSA-SHA256',
  'RSA-SHA512',
  'PLAINTEXT',
] as const
const TIMESTAMP_LIFETIME_SECONDS = 600

/** keystone/oauth1/backends/base.py VERIFIER_CHARS: letters and digits minus `jiIl1oO0`. */
export const VERIFIER_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
].filter((c) => !'jiIl1oO0'.includes(c))

const HEX_ID = /^[0-9a-f]{32}$/
const HEX = /^[0-9a-f]*$/

/** Keystone's ValidationError carrying an oauthlib error, as `validate_oauth_params` words it. */
export function oauthlibError(description: string, error = 'invalid_request'): ValidationError {
  return new ValidationError(
    `Validation failed with errors: ${error}, detail message is: ${description}.`,
  )
}

/**
 * keystone `get_oauth_headers`: the `Authorization` header's OAuth parameters. Keystone answers
 * its UnexpectedError (500) without the header; Baton answers 400 (bad input is never a 500).
 */
export function oauthHeaders(authorization: string | undefined): ReadonlyMap<string, string> {
  if (authorization === undefined) {
    throw new ValidationError(
      'No Authorization headers found, cannot proceed with OAuth related calls.',
    )
  }
  return new Map(parseAuthorizationHeader(authorization))
}

/** oauthlib `_create_request`: the `oauth_*` parameters, from exactly one source, each once. */
export function signedParameters(request: OAuthRequest): ReadonlyMap<string, string> {
  let params: ReadonlyMap<string, string>
  try {
    params = oauthParameters(request)
  } catch (error) {
    throw oauthlibError(error instanceof Error ? error.message : 'Malformed request')
  }
  if (params.size === 0) throw oauthlibError('Missing mandatory OAuth parameters.')
  return params
}

/** oauthlib `_check_mandatory_parameters` with Keystone's `check_client_key` and `check_nonce`. */
export function checkMandatoryParameters(params: ReadonlyMap<string, string>, now: EpochMs): void {
  const wanted = [
    'oauth_signature',
    'oauth_consumer_key',
    'oauth_nonce',
    'oauth_timestamp',
    'oauth_signature_method',
  ]
  if (!wanted.every((name) => (params.get(name) ?? '') !== '')) {
    throw oauthlibError('Missing mandatory OAuth parameters.')
  }
  const method = params.get('oauth_signature_method') ?? ''
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    const allowed = `(${ALLOWED_METHODS.map((m) => `'${m}'`).join(', ')})`
    throw oauthlibError(
      `Invalid signature, ${method} not in ${allowed}.`,
      'invalid_signature_method',
    )
  }
  const version = params.get('oauth_version')
  if (version !== undefined && version !== '1.0') throw oauthlibError('Invalid OAuth version.')
  const timestamp = params.get('oauth_timestamp') ?? ''
  if (timestamp.length !== 10) throw oauthlibError('Invalid timestamp size')
  if (!/^\s*[+-]?\d+\s*$/.test(timestamp)) throw oauthlibError('Timestamp must be an integer.')
  if (Math.abs(now / 1000 - Number(timestamp)) > TIMESTAMP_LIFETIME_SECONDS) {
    throw oauthlibError(
      `Timestamp given is invalid, differ from allowed by over ${TIMESTAMP_LIFETIME_SECONDS} seconds.`,
    )
  }
  if (!HEX_ID.test(params.get('oauth_consumer_key') ?? '')) {
    throw oauthlibError('Invalid client key format.')
  }
  if (!HEX.test(params.get('oauth_nonce') ?? '')) throw oauthlibError('Invalid nonce format.')
}

/** Keystone's `_check_token`: a uuid4 hex (request and access tokens, consumers). */
export function isTokenFormat(id: string): boolean {
  return HEX_ID.test(id)
}

/** Keystone's `check_verifier`. */
export function isVerifierFormat(verifier: string): boolean {
  return verifier.length === 8 && [...verifier].every((c) => VERIFIER_CHARS.includes(c))
}
