/**
 * Nova v2.1's JSON shapes: version documents, a server in full (show, detail) and in summary (index),
 * the create answer, pagination links, and the fixed flavors Baton offers.
 * @module
 */
import type { ServerRow } from './store.ts'

export const MIN_VERSION = '2.1'
/** Baton implements the 2.1 base API only. */
export const MAX_VERSION = '2.1'

export function versionDocument(base: string): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${base}/v2.1/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
    ],
  }
}

export type Flavor = {
  readonly id: string
  readonly name: string
  readonly ram: number
  readonly vcpus: number
  readonly disk: number
}

export const FLAVORS: readonly Flavor[] = [
  { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
  { id: '2', name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
]

function flavorLinks(base: string, id: string) {
  return [
    { href: `${base}/v2.1/flavors/${id}`, rel: 'self' },
    { href: `${base}/flavors/${id}`, rel: 'bookmark' },
  ]
}

export function flavorSummary(base: string, f: Flavor): Record<string, unknown> {
  return { id: f.id, name: f.name, links: flavorLinks(base, f.id) }
}

export function flavorDetail(base: string, f: Flavor): Record<string, unknown> {
  return {
    ...flavorSummary(base, f),
    ram: f.ram,
    vcpus: f.vcpus,
    disk: f.disk,
    swap: '',
    rxtx_factor: 1.0,
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    'os-flavor-access:is_public': true,
  }
}

/** Nova's `created`/`updated`: seconds precision, Z. */
export function novaTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z')
}

/** Nova's `launched_at`: no zone, microseconds. */
function usageTime(iso: string | null): string | null {
  return iso === null ? null : iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000')
}

function serverLinks(base: string, id: string) {
  return [
    { href: `${base}/v2.1/servers/${id}`, rel: 'self' },
    { href: `${base}/servers/${id}`, rel: 'bookmark' },
  ]
}

export function serverSummary(base: string, s: ServerRow): Record<string, unknown> {
  return { id: s.id, name: s.name, links: serverLinks(base, s.id) }
}

const VM_STATE = { BUILD: 'building', ACTIVE: 'active', ERROR: 'error' } as const

export function serverDetail(base: string, s: ServerRow): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.project_id,
    user_id: s.user_id,
    metadata: JSON.parse(s.metadata) as Record<string, string>,
    hostId: '',
    // booted from a volume: Nova shows no image
    image: '',
    flavor: {
      id: s.flavor_id,
      links: [{ href: `${base}/flavors/${s.flavor_id}`, rel: 'bookmark' }],
    },
    created: novaTime(s.created_at),
    updated: novaTime(s.updated_at),
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    links: serverLinks(base, s.id),
    progress: s.status === 'ACTIVE' ? 100 : 0,
    config_drive: '',
    key_name: null,
    security_groups: [{ name: 'default' }],
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-STS:power_state': s.status === 'ACTIVE' ? 1 : 0,
    'OS-EXT-STS:task_state': s.task_state,
    'OS-EXT-STS:vm_state': VM_STATE[s.status],
    'OS-SRV-USG:launched_at': usageTime(s.launched_at),
    'OS-SRV-USG:terminated_at': null,
    'os-extended-volumes:volumes_attached':
      s.volume_id === null
        ? []
        : [{ id: s.volume_id, delete_on_termination: s.delete_on_termination === 1 }],
  }
  if (s.status === 'ERROR' && s.fault_message !== null) {
    body.fault = {
      code: s.fault_code ?? 500,
      message: s.fault_message,
      created: novaTime(s.fault_created ?? s.updated_at),
    }
  }
  return body
}

export function createdServer(base: string, s: ServerRow): Record<string, unknown> {
  return {
    id: s.id,
    links: serverLinks(base, s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    security_groups: [{ name: 'default' }],
  }
}

/** Nova's `servers_links`: a `next` link when the page is full. */
export function pageLinks(
  base: string,
  path: string,
  query: Record<string, string>,
  page: readonly ServerRow[],
  limit: number | undefined,
): { servers_links?: { href: string; rel: string }[] } {
  const last = page.at(-1)
  if (limit === undefined || last === undefined || page.length < limit) return {}
  const params = new URLSearchParams({ ...query, limit: String(limit), marker: last.id })
  return { servers_links: [{ href: `${base}${path}?${params.toString()}`, rel: 'next' }] }
}
