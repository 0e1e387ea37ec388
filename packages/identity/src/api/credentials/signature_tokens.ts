/**
 * `POST /v3/ec2tokens` and `POST /v3/s3tokens` (keystone/api/ec2tokens.py, s3tokens.py): a
 * service (Swift's s3token, Ceph RGW, an EC2 API) or an admin trades a request signed with an EC2
 * credential for a project-scoped token of the credential's user, method `ec2credential`. Both
 * answer 200 with the token body (catalog included); only ec2tokens also sends X-Subject-Token.
 * GET answers 405 (Keystone's `MethodNotAllowed`).
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { authenticateSignature, sameSignature } from '../../core/credentials/ec2_authenticate.ts'
import {
  type Ec2Request,
  ec2Signature,
  InvalidSignature,
} from '../../core/credentials/ec2_signer.ts'
import { s3Signature } from '../../core/credentials/s3_signature.ts'
import { isObject } from '../../core/py_values.ts'
import { Unauthorized } from '../../errors.ts'
import { credentialOptions, trustOptions } from '../../options.ts'
import type { Router } from '../router.ts'
import { authorize } from '../v3/route_kit.ts'
import type { CredentialApiContext } from './context.ts'

/** `EC2TokensResource._check_signature`, with the retry on a host without its port. */
function checkEc2(secret: string, credentials: Record<string, unknown>): void {
  const signed = credentials as Ec2Request
  if (!isObject(signed.params)) throw new Unauthorized('Invalid EC2 signature.')
  const generate = () => {
    try {
      return ec2Signature(secret, signed)
    } catch (error) {
      if (error instanceof InvalidSignature) throw new Unauthorized('Invalid EC2 signature.')
      throw error
    }
  }
  const expected = generate()
  if (!credentials.signature) throw new Unauthorized('EC2 signature not supplied.')
  if (sameSignature(credentials.signature, expected)) return
  const host = credentials.host
  if (typeof host === 'string' && host.includes(':')) {
    signed.host = hostname(host)
    if (sameSignature(credentials.signature, generate())) return
  }
  throw new Unauthorized('Invalid EC2 signature.')
}

/** `urlsplit('//' + host).hostname`: lower-cased, brackets and port removed. */
function hostname(host: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(host)
  if (bracketed) return (bracketed[1] as string).toLowerCase()
  return (host.split(':')[0] as string).toLowerCase()
}

/** `S3Resource._check_signature`. */
function checkS3(secret: string, credentials: Record<string, unknown>): void {
  const { token } = credentials
  if (typeof token !== 'string') throw new Unauthorized('Credential signature mismatch')
  const stringToSign = Buffer.from(token.replaceAll('-', '+').replaceAll('_', '/'), 'base64')
  const expected = s3Signature(stringToSign, secret)
  if (expected === undefined) throw new Unauthorized('Invalid EC2 signature.')
  if (!sameSignature(credentials.signature, expected)) {
    throw new Unauthorized('Credential signature mismatch')
  }
}

export function registerSignatureTokenRoutes(router: Router, ctx: CredentialApiContext): void {
  const issue = async (req: FastifyRequest, check: typeof checkEc2) => {
    const grant = await authenticateSignature({
      store: ctx.store,
      crypto: ctx.credentialCrypto,
      nowMs: ctx.clock.now(),
      ttlMinutes: ctx.config.get(credentialOptions).auth_ttl,
      body: req.body,
      checkSignature: check,
      maxRedelegationCount: ctx.config.get(trustOptions).max_redelegation_count,
    })
    const issued = await ctx.tokens.issue({
      userId: grant.userId,
      methods: ['ec2credential'],
      scope:
        grant.trustId === null
          ? { kind: 'project', projectId: grant.projectId }
          : { kind: 'trust', trustId: grant.trustId, projectId: grant.projectId },
      appCredId: grant.appCredId,
    })
    return { issued, body: await ctx.tokens.render(issued.model) }
  }

  router.route('POST', '/v3/ec2tokens', async (req) => {
    await authorize(ctx, req, 'identity:ec2tokens_validate')
    const { issued, body } = await issue(req, checkEc2)
    return { status: 200, body, headers: { 'X-Subject-Token': issued.token } }
  })

  router.route('POST', '/v3/s3tokens', async (req) => {
    await authorize(ctx, req, 'identity:s3tokens_validate')
    const { body } = await issue(req, checkS3)
    return { status: 200, body }
  })
}
