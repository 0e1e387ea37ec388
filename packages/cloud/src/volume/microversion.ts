/**
 * OpenStack API microversions as Nova and Cinder negotiate them: `OpenStack-API-Version: <service>
 * X.Y` (or Nova's legacy `X-OpenStack-Nova-API-Version`), `latest` meaning the maximum, no header
 * meaning the minimum; a malformed version is a 400, one outside the range a 406. The answer carries
 * the version used and `Vary`. Shared by the volume and compute services.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BadRequest, CloudError, CloudErrorCode } from '../kit/errors.ts'

export type MicroversionRange = {
  /** `volume`, `compute`: the service name in `OpenStack-API-Version`. */
  readonly service: string
  readonly min: string
  readonly max: string
  /** Nova's pre-2.27 header, still sent by clients. */
  readonly legacyHeader?: string
}

function parse(version: string): [number, number] | undefined {
  const m = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(version)
  return m === null ? undefined : [Number(m[1]), Number(m[2])]
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1]
}

function requested(request: FastifyRequest, range: MicroversionRange): string | undefined {
  const header = request.headers['openstack-api-version']
  for (const part of String(header ?? '').split(',')) {
    const [service, version] = part.trim().split(/\s+/)
    if (service?.toLowerCase() === range.service && version !== undefined) return version
  }
  const legacy = range.legacyHeader === undefined ? undefined : request.headers[range.legacyHeader]
  return typeof legacy === 'string' && legacy.trim() !== '' ? legacy.trim() : undefined
}

/** Checks the request's microversion and stamps the answer with the one in use. */
export function negotiate(
  request: FastifyRequest,
  reply: FastifyReply,
  range: MicroversionRange,
): string {
  const asked = requested(request, range)
  let version = range.min
  if (asked === 'latest') version = range.max
  else if (asked !== undefined) {
    const parsed = parse(asked)
    if (parsed === undefined) {
      throw new BadRequest(
        `API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`,
      )
    }
    const min = parse(range.min) as [number, number]
    const max = parse(range.max) as [number, number]
    if (compare(parsed, min) < 0 || compare(parsed, max) > 0) {
      throw new CloudError(
        CloudErrorCode.BadRequest,
        406,
        'computeFault',
        `Version ${asked} is not supported by the API. Minimum is ${range.min} and maximum is ${range.max}.`,
      )
    }
    version = asked
  }
  reply.header('OpenStack-API-Version', `${range.service} ${version}`)
  const vary = ['OpenStack-API-Version']
  if (range.legacyHeader !== undefined) {
    reply.header(range.legacyHeader, version)
    vary.push(range.legacyHeader)
  }
  reply.header('Vary', vary.join(', '))
  return version
}
