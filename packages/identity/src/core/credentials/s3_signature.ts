/**
 * The signature `POST /v3/s3tokens` recomputes (keystone/api/s3tokens.py): the S3 gateway sends
 * the string it signed (base64url in `token`) and the client's `signature`; Keystone recomputes
 * it with the credential's secret, as AWS signature v2 (HMAC-SHA1, base64) unless the string
 * starts with `AWS4`, then as v4 (HMAC-SHA256 with the derived key of the string's own scope,
 * hex), where only the `s3`, `iam` and `sts` services are accepted.
 * @module
 */
import { createHmac } from 'node:crypto'

/** Returns undefined when the string to sign is not a well-formed v4 one. */
export function s3Signature(stringToSign: Buffer, secret: string): string | undefined {
  if (stringToSign.subarray(0, 4).toString('latin1') !== 'AWS4') {
    return createHmac('sha1', Buffer.from(secret, 'utf8')).update(stringToSign).digest('base64')
  }
  const parts = stringToSign.toString('latin1').split('\n')
  if (parts.length !== 4 || parts[0] !== 'AWS4-HMAC-SHA256') return undefined
  const scope = (parts[2] as string).split('/')
  if (scope.length !== 4 || scope[3] !== 'aws4_request') return undefined
  if (!['s3', 'iam', 'sts'].includes(scope[2] as string)) return undefined
  let key: Buffer = Buffer.from(`AWS4${secret}`, 'utf8')
  for (const part of scope)
    key = createHmac('sha256', key).update(Buffer.from(part, 'latin1')).digest()
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}
