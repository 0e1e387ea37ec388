/**
 * Swift's wire details the object routes share: splitting `/v1/<account>/<container>/<object>`
 * (an object name keeps every slash it was sent with), timestamps in Swift's three formats,
 * metadata headers, single byte ranges, conditional headers, and Swift's HTML error bodies.
 * @module
 */
import { BadRequest, CloudError, CloudErrorCode } from '../kit/errors.ts'
import type { Meta, ObjectInfo } from './store.ts'

export type Target = {
  readonly account: string
  readonly container: string | undefined
  readonly object: string | undefined
}

/** fastify's params collapse `//` and decode `%2F`: the raw URL is split here instead. */
export function parseTarget(url: string): Target {
  const path = (url.split('?')[0] ?? '').replace(/^\/v1\//, '')
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part)
    } catch {
      throw preconditionFailed('Invalid UTF8 or contains NULL')
    }
  }
  const firstSlash = path.indexOf('/')
  if (firstSlash < 0) return { account: decode(path), container: undefined, object: undefined }
  const account = decode(path.slice(0, firstSlash))
  const rest = path.slice(firstSlash + 1)
  const secondSlash = rest.indexOf('/')
  const container = decode(secondSlash < 0 ? rest : rest.slice(0, secondSlash))
  const object = secondSlash < 0 ? '' : decode(rest.slice(secondSlash + 1))
  return {
    account,
    container: container === '' ? undefined : container,
    // Swift: `/v1/a/c/` is the container itself
    object: object === '' ? undefined : object,
  }
}

export function preconditionFailed(message: string): CloudError {
  return new CloudError(CloudErrorCode.BadRequest, 412, 'preconditionFailed', message)
}

export function methodNotAllowed(message: string): CloudError {
  return new CloudError(CloudErrorCode.BadRequest, 405, 'methodNotAllowed', message)
}

/** `X-Timestamp`: seconds with five decimals. */
export function xTimestamp(ms: number): string {
  return (ms / 1000).toFixed(5)
}

/** Listings: ISO 8601 with microseconds and no zone, as Swift writes them. */
export function listingTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`
}

/** `Last-Modified`: an HTTP date, rounded up to the second as Swift does. */
export function httpDate(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toUTCString()
}

/** The metadata headers of one kind (`object` or `container`), lower-case, in request order. */
export function metaHeaders(
  headers: Record<string, string | string[] | undefined>,
  kind: 'object' | 'container',
): Meta {
  const meta: Meta = {}
  const prefix = `x-${kind}-meta-`
  const removePrefix = `x-remove-${kind}-meta-`
  for (const [name, value] of Object.entries(headers)) {
    const text = Array.isArray(value) ? value.join(',') : (value ?? '')
    if (name.startsWith(prefix) && name.length > prefix.length) meta[name] = text
    else if (name.startsWith(removePrefix)) meta[`${prefix}${name.slice(removePrefix.length)}`] = ''
    else if (kind === 'object' && (name === 'content-disposition' || name === 'content-encoding')) {
      meta[name] = text
    }
  }
  return meta
}

export function objectHeaders(object: ObjectInfo): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': httpDate(object.modifiedMs),
    'x-timestamp': xTimestamp(object.modifiedMs),
    'accept-ranges': 'bytes',
    ...object.meta,
  }
}

export type ByteRange = { readonly start: number; readonly end: number }

/**
 * One `bytes=` range against `size`: the range, null to send the whole object (no header, or several
 * ranges, which HTTP lets a server ignore), or 416 when it cannot be satisfied.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return null
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return null
  let start: number
  let end: number
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) throw rangeNotSatisfiable(size)
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(first)
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
    if (last !== '' && Number(last) < start) return null
  }
  if (start >= size) throw rangeNotSatisfiable(size)
  return { start, end }
}

export class RangeNotSatisfiable extends CloudError {
  readonly size: number
  constructor(size: number) {
    super(
      CloudErrorCode.BadRequest,
      416,
      'requestedRangeNotSatisfiable',
      'Requested Range Not Satisfiable',
    )
    this.size = size
  }
}

function rangeNotSatisfiable(size: number): RangeNotSatisfiable {
  return new RangeNotSatisfiable(size)
}

/** If-Match / If-None-Match against an object's ETag: 412, 304, or go on. */
export function checkConditions(
  headers: Record<string, string | string[] | undefined>,
  etag: string,
): 'ok' | 'not_modified' {
  const list = (name: string): string[] | undefined => {
    const value = headers[name]
    if (value === undefined) return undefined
    return String(value)
      .split(',')
      .map((v) => v.trim().replace(/^W\//, '').replace(/"/g, ''))
  }
  const ifMatch = list('if-match')
  if (ifMatch !== undefined && !ifMatch.includes('*') && !ifMatch.includes(etag)) {
    throw preconditionFailed('Precondition Failed')
  }
  const ifNoneMatch = list('if-none-match')
  if (ifNoneMatch !== undefined && (ifNoneMatch.includes('*') || ifNoneMatch.includes(etag))) {
    return 'not_modified'
  }
  return 'ok'
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  499: 'Client Disconnect',
  500: 'Internal Error',
}

/** Swift answers errors with a small HTML page, not JSON. */
export function swiftErrorBody(status: number, message: string): string {
  const title = TITLES[status] ?? 'Error'
  const escaped = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<html><h1>${title}</h1><p>${escaped}</p></html>`
}

/** One value of a query parameter (the first when repeated). */
export function queryValue(query: unknown, name: string): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined
  const value = (query as Record<string, unknown>)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

export function listingLimit(query: unknown, max: number): number {
  const given = queryValue(query, 'limit')
  if (given === undefined || given === '') return max
  if (!/^\d+$/.test(given)) throw preconditionFailed('Value of limit must be a positive integer')
  const limit = Number(given)
  if (limit > max) throw preconditionFailed(`Maximum limit is ${max}`)
  return limit
}

/** `format=json` or `Accept: application/json`; Swift's default is plain text. */
export function wantsJson(query: unknown, accept: string | undefined): boolean {
  const format = queryValue(query, 'format')?.toLowerCase()
  if (format !== undefined) {
    if (format === 'json') return true
    if (format === 'plain' || format === 'text') return false
    throw new BadRequest(`Unsupported listing format ${format}: use json or plain`)
  }
  return accept?.includes('application/json') ?? false
}
