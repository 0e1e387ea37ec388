/**
 * GET /v2/images as Glance answers it: the default view (own images plus public ones; everything for
 * an admin; community images only when asked for), filters (`name`, `status`, `visibility`,
 * `owner`, `tag`, formats, `id`/`name`/`status` with `in:`, `os_hidden`, extra properties), sorting
 * (`sort=key:dir,...` or `sort_key`/`sort_dir`), and marker/limit paging with a `next` link.
 * @module
 */
import { BadRequest } from '../kit/errors.ts'
import { type Image, imageJson } from './model.ts'
import type { Viewer } from './repository.ts'

type Query = Record<string, string | string[] | undefined>

const SORT_KEYS: Readonly<Record<string, (i: Image) => string | number | null>> = {
  name: (i) => i.name,
  status: (i) => i.status,
  container_format: (i) => i.containerFormat,
  disk_format: (i) => i.diskFormat,
  size: (i) => i.size,
  id: (i) => i.id,
  created_at: (i) => i.createdAt,
  updated_at: (i) => i.updatedAt,
  visibility: (i) => i.visibility,
  owner: (i) => i.owner,
  min_disk: (i) => i.minDisk,
  min_ram: (i) => i.minRam,
}
const PAGING = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status'])

function values(query: Query, name: string): string[] {
  const value = query[name]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function first(query: Query, name: string): string | undefined {
  return values(query, name)[0]
}

/** `in:a,b` or `eq:a` or `a` -> the accepted values. */
function operands(raw: string): string[] {
  if (raw.startsWith('in:')) {
    return raw
      .slice(3)
      .split(',')
      .map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
  }
  return [raw.startsWith('eq:') ? raw.slice(3) : raw]
}

function sortOrder(query: Query): { key: string; dir: 'asc' | 'desc' }[] {
  const order: { key: string; dir: 'asc' | 'desc' }[] = []
  const sort = first(query, 'sort')
  if (sort !== undefined) {
    if (values(query, 'sort_key').length > 0 || values(query, 'sort_dir').length > 0) {
      throw new BadRequest('The "sort" parameter cannot be combined with sort_key or sort_dir')
    }
    for (const part of sort.split(',')) {
      const [key = '', dir = 'desc'] = part.trim().split(':')
      order.push({ key, dir: dir as 'asc' | 'desc' })
    }
  } else {
    const keys = values(query, 'sort_key')
    const dirs = values(query, 'sort_dir')
    keys.forEach((key, i) => {
      order.push({ key, dir: (dirs[i] ?? dirs[0] ?? 'desc') as 'asc' | 'desc' })
    })
  }
  for (const { key, dir } of order) {
    if (SORT_KEYS[key] === undefined) throw new BadRequest(`Unsupported sort_key: ${key}`)
    if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid sort direction: ${dir}`)
  }
  if (order.length === 0) order.push({ key: 'created_at', dir: 'desc' })
  // Glance always ends on id, so equal keys still page deterministically
  if (!order.some((o) => o.key === 'id')) order.push({ key: 'id', dir: order[0]?.dir ?? 'desc' })
  return order
}

function compare(
  a: Image,
  b: Image,
  order: readonly { key: string; dir: 'asc' | 'desc' }[],
): number {
  for (const { key, dir } of order) {
    const pick = SORT_KEYS[key]
    if (pick === undefined) continue
    const x = pick(a)
    const y = pick(b)
    if (x === y) continue
    // nulls sort first ascending, as in Glance's SQL
    const cmp = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
    return dir === 'asc' ? cmp : -cmp
  }
  return 0
}

function matches(image: Image, query: Query, viewer: Viewer): boolean {
  const visibility = first(query, 'visibility')
  if (visibility === undefined) {
    // community images of other projects only appear when asked for
    if (image.visibility === 'community' && image.owner !== viewer.projectId && !viewer.admin)
      return false
  } else if (visibility !== 'all' && image.visibility !== visibility) {
    return false
  }
  const hidden = first(query, 'os_hidden')
  if ((hidden === 'true') !== image.osHidden) return false
  const field = (name: string, value: string | null) => {
    const wanted = first(query, name)
    return wanted === undefined || operands(wanted).includes(value ?? '')
  }
  if (!field('name', image.name) || !field('status', image.status) || !field('id', image.id))
    return false
  if (!field('owner', image.owner) || !field('disk_format', image.diskFormat)) return false
  if (!field('container_format', image.containerFormat)) return false
  if (
    first(query, 'protected') !== undefined &&
    String(image.protected) !== first(query, 'protected')
  )
    return false
  for (const tag of values(query, 'tag')) if (!image.tags.includes(tag)) return false
  const sizeMin = first(query, 'size_min')
  const sizeMax = first(query, 'size_max')
  if (sizeMin !== undefined && (image.size ?? -1) < Number(sizeMin)) return false
  if (sizeMax !== undefined && (image.size ?? Number.POSITIVE_INFINITY) > Number(sizeMax))
    return false
  for (const [key, raw] of Object.entries(query)) {
    if (PAGING.has(key) || KNOWN_FILTERS.has(key) || raw === undefined) continue
    // any other parameter filters on an extra property, as in Glance
    const wanted = Array.isArray(raw) ? raw[0] : raw
    if (image.properties[key] !== wanted) return false
  }
  return true
}

const KNOWN_FILTERS = new Set([
  'visibility',
  'os_hidden',
  'name',
  'status',
  'id',
  'owner',
  'disk_format',
  'container_format',
  'protected',
  'tag',
  'size_min',
  'size_max',
  'created_at',
  'updated_at',
])

export type ListLimits = { readonly defaultLimit: number; readonly maxLimit: number }

export function listImages(
  all: readonly Image[],
  query: Query,
  viewer: Viewer,
  limits: ListLimits,
) {
  const limitText = first(query, 'limit')
  let limit = limits.defaultLimit
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) throw new BadRequest('limit param must be an integer')
    limit = Math.min(Number(limitText), limits.maxLimit)
  }
  const order = sortOrder(query)
  const selected = all
    .filter((image) => matches(image, query, viewer))
    .sort((a, b) => compare(a, b, order))
  const marker = first(query, 'marker')
  let start = 0
  if (marker !== undefined) {
    const at = selected.findIndex((image) => image.id === marker)
    if (at < 0) throw new BadRequest(`marker ${marker} could not be found.`)
    start = at + 1
  }
  const page = selected.slice(start, start + limit)
  const body: Record<string, unknown> = {
    images: page.map(imageJson),
    first: '/v2/images',
    schema: '/v2/schemas/images',
  }
  const last = page[page.length - 1]
  if (last !== undefined && page.length === limit && limit > 0) {
    const params = new URLSearchParams()
    for (const [key, raw] of Object.entries(query)) {
      if (key === 'marker' || raw === undefined) continue
      for (const value of Array.isArray(raw) ? raw : [raw]) params.append(key, value)
    }
    params.set('marker', last.id)
    body.next = `/v2/images?${params.toString()}`
  }
  return body
}
