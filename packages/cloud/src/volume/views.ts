/**
 * Cinder v3's JSON shapes: version documents, a volume in full (show, detail, create) and in summary
 * (index), and pagination links. Fields Baton adds are prefixed `os-vol-baton:` as extensions are.
 * @module
 */
import type { VolumeRow } from './store.ts'

export const MIN_VERSION = '3.0'
/** Baton implements the 3.0 subset; later microversions change shapes it does not produce. */
export const MAX_VERSION = '3.0'

export function versionDocument(base: string): Record<string, unknown> {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: '2016-02-08T12:20:21Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${base}/v3/` },
    ],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' },
    ],
  }
}

/** Cinder's timestamps: no zone letter, microseconds. */
export function cinderTime(iso: string | null): string | null {
  if (iso === null) return null
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000')
}

function links(base: string, v: VolumeRow): { href: string; rel: string }[] {
  return [
    { href: `${base}/v3/${v.project_id}/volumes/${v.id}`, rel: 'self' },
    { href: `${base}/${v.project_id}/volumes/${v.id}`, rel: 'bookmark' },
  ]
}

export function volumeSummary(base: string, v: VolumeRow): Record<string, unknown> {
  return { id: v.id, name: v.name, links: links(base, v) }
}

export function volumeDetail(base: string, v: VolumeRow): Record<string, unknown> {
  const attachments =
    v.attachment_id === null
      ? []
      : [
          {
            id: v.id,
            attachment_id: v.attachment_id,
            volume_id: v.id,
            server_id: v.attached_server,
            host_name: null,
            device: v.attached_device,
            attached_at: cinderTime(v.attached_at),
          },
        ]
  const body: Record<string, unknown> = {
    id: v.id,
    name: v.name,
    description: v.description,
    status: v.status,
    size: v.size,
    availability_zone: 'nova',
    bootable: v.image_id === null ? 'false' : 'true',
    encrypted: false,
    multiattach: false,
    volume_type: '__DEFAULT__',
    snapshot_id: null,
    source_volid: null,
    consistencygroup_id: null,
    replication_status: null,
    migration_status: null,
    user_id: v.user_id,
    metadata: JSON.parse(v.metadata) as Record<string, string>,
    attachments,
    links: links(base, v),
    created_at: cinderTime(v.created_at),
    updated_at: cinderTime(v.updated_at),
  }
  if (v.image_metadata !== null)
    body.volume_image_metadata = JSON.parse(v.image_metadata) as Record<string, string>
  if (v.bytes_total !== null) {
    body['os-vol-baton:copy_progress'] = {
      bytes_copied: v.bytes_copied,
      bytes_total: v.bytes_total,
    }
  }
  if (v.fault_message !== null) {
    body['os-vol-baton:fault'] = { message: v.fault_message, created: cinderTime(v.fault_at) }
  }
  return body
}

/** Cinder's `volumes_links`: a `next` link when the page is full. */
export function pageLinks(
  base: string,
  path: string,
  query: Record<string, string>,
  page: readonly VolumeRow[],
  limit: number | undefined,
): { volumes_links?: { href: string; rel: string }[] } {
  const last = page.at(-1)
  if (limit === undefined || last === undefined || page.length < limit) return {}
  const params = new URLSearchParams({ ...query, limit: String(limit), marker: last.id })
  return { volumes_links: [{ href: `${base}${path}?${params.toString()}`, rel: 'next' }] }
}
