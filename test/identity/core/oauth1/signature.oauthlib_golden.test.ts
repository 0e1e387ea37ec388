import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  baseStringUri,
  collectParameters,
  normalizeParameters,
  type OAuthRequest,
  oauthParameters,
  parseAuthorizationHeader,
  signatureBaseString,
  signHmacSha1,
  urldecode,
  verifyHmacSha1,
} from '../../../../packages/identity/src/core/oauth1/signature.ts'
import { ValidationError } from '../../../../packages/identity/src/errors.ts'

interface GoldenCase {
  name: string
  method: string
  url: string
  authorization: string
  form_body: string | null
  base_string_uri: string
  normalized: string
  base_string: string
  signature: string
  consumer_secret: string
  token_secret: string
}

const golden: {
  cases: GoldenCase[]
  malformed_headers: string[]
  malformed_queries: string[]
  queries: Record<string, [string, string][]>
} = JSON.parse(readFileSync(new URL('./fixtures/oauth1_signatures.json', import.meta.url), 'utf8'))

const requestOf = (c: GoldenCase): OAuthRequest => ({
  method: c.method,
  url: c.url,
  authorization: c.authorization,
  formBody: c.form_body ?? undefined,
})

for (const c of golden.cases) {
  test(`oauthlib's base string and HMAC-SHA1 signature: ${c.name}`, () => {
    const request = requestOf(c)
    assert.equal(baseStringUri(c.url), c.base_string_uri)
    assert.equal(normalizeParameters(collectParameters(request)), c.normalized)
    assert.equal(signatureBaseString(request), c.base_string)
    assert.equal(signHmacSha1(c.base_string, c.consumer_secret, c.token_secret), c.signature)
    assert.equal(verifyHmacSha1(request, c.consumer_secret, c.token_secret), true)
    assert.equal(oauthParameters(request).get('oauth_signature'), c.signature)
  })
}

test('a wrong secret, a changed URL, method or parameter fails verification', () => {
  const c = golden.cases[0] as GoldenCase
  const request = requestOf(c)
  assert.equal(verifyHmacSha1(request, `${c.consumer_secret}x`, c.token_secret), false)
  assert.equal(verifyHmacSha1(request, c.consumer_secret, 'other'), false)
  assert.equal(verifyHmacSha1({ ...request, method: 'PUT' }, c.consumer_secret), false)
  assert.equal(verifyHmacSha1({ ...request, url: `${c.url}?x=1` }, c.consumer_secret), false)
  const tampered = c.authorization.replace(
    'oauth_callback="oob"',
    'oauth_callback="http%3A%2F%2Fe"',
  )
  assert.notEqual(tampered, c.authorization)
  assert.equal(verifyHmacSha1({ ...request, authorization: tampered }, c.consumer_secret), false)
  const unsigned = c.authorization.replace(/, oauth_signature="[^"]*"/, '')
  assert.equal(verifyHmacSha1({ ...request, authorization: unsigned }, c.consumer_secret), false)
})

test("oauthlib's refusals: malformed headers and queries, duplicates, oauth_ params in two places", () => {
  for (const header of golden.malformed_headers) {
    assert.throws(() => parseAuthorizationHeader(header), ValidationError, header)
  }
  for (const query of golden.malformed_queries) {
    assert.throws(() => urldecode(query), ValidationError, query)
  }
  for (const [query, decoded] of Object.entries(golden.queries)) {
    assert.deepEqual(urldecode(query), decoded, query)
  }
  const base = { method: 'POST', url: 'http://e/x' }
  assert.throws(
    () => oauthParameters({ ...base, url: 'http://e/x?oauth_nonce=1&oauth_nonce=2' }),
    /Duplicate OAuth1 entries/,
  )
  assert.throws(
    () =>
      oauthParameters({
        ...base,
        url: 'http://e/x?oauth_nonce=1',
        authorization: 'OAuth oauth_consumer_key="c"',
      }),
    /only 1 signature type/,
  )
})
