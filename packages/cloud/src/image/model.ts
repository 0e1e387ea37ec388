/**
 * An image as Glance v2 stores and shows it: the table, the JSON document (Glance's field names,
 * timestamps without fractions, extra properties flattened beside the core fields), and the
 * checks Glance's schema makes on a create request.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { BadRequest, Forbidden } from '../kit/errors.ts'

export const IMAGE_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  name TEXT,
  status TEXT NOT NULL,
  visibility TEXT NOT NULL,
  protected INTEGER NOT NULL DEFAULT 0,
  os_hidden INTEGER NOT NULL DEFAULT 0,
  disk_format TEXT,
  container_format TEXT,
  size INTEGER,
  virtual_size INTEGER,
  checksum TEXT,
  os_hash_algo TEXT,
  os_hash_value TEXT,
  owner TEXT NOT NULL,
  min_disk INTEGER NOT NULL DEFAULT 0,
  min_ram INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '[]',
  properties TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX images_owner ON images (owner);
`,
]

export const DISK_FORMATS = [
  'ami',
  'ari',
  'aki',
  'vhd',
  'vhdx',
  'vmdk',
  'raw',
  'qcow2',
  'vdi',
  'iso',
  'ploop',
]
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']
export const VISIBILITIES = ['public', 'private', 'shared', 'community']
export const STATUSES = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'pending_delete',
  'deactivated',
]

export type Image = {
  readonly id: string
  readonly name: string | null
  readonly status: string
  readonly visibility: string
  readonly protected: boolean
  readonly osHidden: boolean
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  readonly size: number | null
  readonly virtualSize: number | null
  readonly checksum: string | null
  readonly osHashAlgo: string | null
  readonly osHashValue: string | null
  readonly owner: string
  readonly minDisk: number
  readonly minRam: number
  readonly tags: readonly string[]
  readonly properties: Readonly<Record<string, string>>
  readonly createdAt: string
  readonly updatedAt: string
}

export type ImageRow = {
  id: string
  name: string | null
  status: string
  visibility: string
  protected: number
  os_hidden: number
  disk_format: string | null
  container_format: string | null
  size: number | null
  virtual_size: number | null
  checksum: string | null
  os_hash_algo: string | null
  os_hash_value: string | null
  owner: string
  min_disk: number
  min_ram: number
  tags: string
  properties: string
  created_at: string
  updated_at: string
}

export function fromRow(row: ImageRow): Image {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    visibility: row.visibility,
    protected: row.protected === 1,
    osHidden: row.os_hidden === 1,
    diskFormat: row.disk_format,
    containerFormat: row.container_format,
    size: row.size,
    virtualSize: row.virtual_size,
    checksum: row.checksum,
    osHashAlgo: row.os_hash_algo,
    osHashValue: row.os_hash_value,
    owner: row.owner,
    minDisk: row.min_disk,
    minRam: row.min_ram,
    tags: JSON.parse(row.tags) as string[],
    properties: JSON.parse(row.properties) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Glance writes `2030-01-01T00:00:00Z`. */
export function glanceTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

/** The image document of GET /v2/images/{id}. */
export function imageJson(image: Image): Record<string, unknown> {
  return {
    ...image.properties,
    checksum: image.checksum,
    container_format: image.containerFormat,
    created_at: image.createdAt,
    disk_format: image.diskFormat,
    file: `/v2/images/${image.id}/file`,
    id: image.id,
    min_disk: image.minDisk,
    min_ram: image.minRam,
    name: image.name,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    os_hidden: image.osHidden,
    owner: image.owner,
    protected: image.protected,
    schema: '/v2/schemas/image',
    self: `/v2/images/${image.id}`,
    size: image.size,
    status: image.status,
    tags: image.tags,
    updated_at: image.updatedAt,
    virtual_size: image.virtualSize,
    visibility: image.visibility,
  }
}

const READ_ONLY = new Set([
  'status',
  'size',
  'virtual_size',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'created_at',
  'updated_at',
  'self',
  'file',
  'schema',
  'direct_url',
])
const RESERVED = new Set(['location', 'locations', 'deleted', 'deleted_at'])
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

export type NewImage = Omit<
  Image,
  | 'createdAt'
  | 'updatedAt'
  | 'status'
  | 'size'
  | 'virtualSize'
  | 'checksum'
  | 'osHashAlgo'
  | 'osHashValue'
>

/** A POST /v2/images body checked as Glance's schema and policy would; `owner` is the token's project. */
export function parseCreate(body: unknown, owner: string, admin: boolean): NewImage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('Request body must be a JSON object')
  }
  const b = body as Record<string, unknown>
  const properties: Record<string, string> = {}
  for (const [key, value] of Object.entries(b)) {
    if (READ_ONLY.has(key)) throw new Forbidden(`Attribute '${key}' is read-only.`)
    if (RESERVED.has(key) || key.startsWith('os_glance'))
      throw new Forbidden(`Attribute '${key}' is reserved.`)
    if (CORE.has(key)) continue
    if (typeof value !== 'string')
      throw new BadRequest(`Provided object does not match schema 'image': ${key} is not a string`)
    if (key.length > 255)
      throw new BadRequest(`Property name ${key.slice(0, 40)}… is longer than 255`)
    properties[key] = value
  }
  const id = optionalString(b, 'id')
  if (id !== null && !UUID.test(id))
    throw new BadRequest(`Provided object does not match schema 'image': '${id}' is not a 'uuid'`)
  const name = optionalString(b, 'name')
  if (name !== null && name.length > 255) throw new BadRequest('name is longer than 255 characters')
  const requestedOwner = optionalString(b, 'owner')
  if (requestedOwner !== null && requestedOwner !== owner && !admin) {
    throw new Forbidden(`You are not permitted to create images owned by '${requestedOwner}'.`)
  }
  const visibility = optionalString(b, 'visibility') ?? 'shared'
  oneOf('visibility', visibility, VISIBILITIES)
  if (visibility === 'public' && !admin) {
    throw new Forbidden('You are not authorized to complete publicize_image action.')
  }
  const diskFormat = optionalString(b, 'disk_format')
  if (diskFormat !== null) oneOf('disk_format', diskFormat, DISK_FORMATS)
  const containerFormat = optionalString(b, 'container_format')
  if (containerFormat !== null) oneOf('container_format', containerFormat, CONTAINER_FORMATS)
  return {
    id: id === null ? randomUUID() : id.toLowerCase(),
    name,
    visibility,
    protected: optionalBool(b, 'protected'),
    osHidden: optionalBool(b, 'os_hidden'),
    diskFormat,
    containerFormat,
    owner: requestedOwner ?? owner,
    minDisk: optionalCount(b, 'min_disk'),
    minRam: optionalCount(b, 'min_ram'),
    tags: parseTags(b.tags),
    properties,
  }
}

const CORE = new Set([
  'id',
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'owner',
  'min_disk',
  'min_ram',
  'tags',
])

function optionalString(b: Record<string, unknown>, key: string): string | null {
  const value = b[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string')
    throw new BadRequest(`Provided object does not match schema 'image': ${key} is not a string`)
  return value
}

function optionalBool(b: Record<string, unknown>, key: string): boolean {
  const value = b[key]
  if (value === undefined) return false
  if (typeof value !== 'boolean')
    throw new BadRequest(`Provided object does not match schema 'image': ${key} is not a boolean`)
  return value
}

function optionalCount(b: Record<string, unknown>, key: string): number {
  const value = b[key]
  if (value === undefined || value === null) return 0
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BadRequest(
      `Provided object does not match schema 'image': ${key} must be an integer >= 0`,
    )
  }
  return value
}

function oneOf(key: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new BadRequest(
      `Provided object does not match schema 'image': '${value}' is not one of ${JSON.stringify(allowed)} (${key})`,
    )
  }
}

function parseTags(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' && t.length <= 255)) {
    throw new BadRequest(
      "Provided object does not match schema 'image': tags must be strings of at most 255 characters",
    )
  }
  return [...new Set(value as string[])]
}
