/**
 * Value codecs between the repositories and the two SQL dialects: booleans (SQLite answers 0/1),
 * JSON kept as TEXT (`extra`, `options`; TEXT on both dialects so one code path serves both),
 * generated IDs, and Keystone's sentinel IDs.
 * @module
 */
import { randomUUID } from 'node:crypto'

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/**
 * Keystone stores domains as projects; every domain row points at this root row, so the single
 * UNIQUE (domain_id, name) constraint also makes domain names unique.
 */
export const ROOT_DOMAIN_ID = '<<keystone.domain.root>>'

/** Keystone's stand-in for "global role", because NULLs never collide in a UNIQUE constraint. */
export const NULL_DOMAIN_ID = '<<null>>'

/** Server-generated IDs: `uuid4().hex`, 32 lowercase hex digits. */
export function newId(): string {
  return randomUUID().replaceAll('-', '')
}

export function asBool(value: boolean | number): boolean {
  return value === true || value === 1
}

export function encodeJson(value: JsonObject): string {
  return JSON.stringify(value)
}

/** Decodes a JSON object column; anything that is not an object (corrupt row) reads as `{}`. */
export function decodeJson(text: string | null): JsonObject {
  if (text === null || text === '') return {}
  const parsed: unknown = JSON.parse(text)
  return isJsonObject(parsed) ? parsed : {}
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Role rows keep NULL_DOMAIN_ID for global roles; callers see `null`. */
export function roleDomainFromDb(domainId: string): string | null {
  return domainId === NULL_DOMAIN_ID ? null : domainId
}

export function roleDomainToDb(domainId: string | null | undefined): string {
  return domainId ?? NULL_DOMAIN_ID
}
