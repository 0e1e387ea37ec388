/**
 * Reading `/v3/auth/*` requests as flask does: `request.args.get` takes a parameter's first
 * value, `'nocatalog' in request.args` is presence only, and `allow_expired` goes through
 * oslo.utils `bool_from_string` (trimmed, case-insensitive; only 1/t/true/on/y/yes are true).
 * @module
 */
import type { FastifyRequest } from 'fastify'

const TRUE_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes'])

function query(request: FastifyRequest): Record<string, unknown> {
  const q = request.query
  return typeof q === 'object' && q !== null ? (q as Record<string, unknown>) : {}
}

/** `request.args.get(name)`: the first value, or undefined. */
export function queryArg(request: FastifyRequest, name: string): string | undefined {
  const q = query(request)
  if (!Object.hasOwn(q, name)) return undefined
  const value = q[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

export function hasQueryArg(request: FastifyRequest, name: string): boolean {
  return Object.hasOwn(query(request), name)
}

/** oslo_utils.strutils.bool_from_string with strict=False, default=False. */
export function boolFromString(value: string | undefined): boolean {
  return value !== undefined && TRUE_STRINGS.has(value.trim().toLowerCase())
}
