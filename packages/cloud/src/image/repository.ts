/**
 * The images table and Glance's ownership rules: who may see an image (owner, admin, anyone for
 * public and community images), who may change it (owner or admin), and the status transitions of
 * an upload (queued -> saving -> active, back to queued when the store fails), each one guarded by
 * the status it expects, so a concurrent upload or delete cannot be overwritten.
 * @module
 */
import type { Clock } from '@baton/client'
import type { RequestIdentity } from '@baton/middleware'
import type { ServiceDatabase } from '../kit/database.ts'
import { Forbidden, NotFound } from '../kit/errors.ts'
import { fromRow, glanceTime, type Image, type ImageRow, type NewImage } from './model.ts'

export type Viewer = { readonly projectId: string; readonly admin: boolean }

export function viewerOf(identity: RequestIdentity): Viewer {
  return {
    projectId: identity.user?.projectId ?? '',
    admin: identity.user?.roleNames.includes('admin') ?? false,
  }
}

export function canSee(image: Image, viewer: Viewer): boolean {
  if (viewer.admin || image.owner === viewer.projectId) return true
  return image.visibility === 'public' || image.visibility === 'community'
}

export type UploadResult = {
  readonly size: number
  readonly checksum: string
  readonly osHashAlgo: string
  readonly osHashValue: string
}

export class ImageRepository {
  readonly #db: ServiceDatabase
  readonly #clock: Clock

  constructor(db: ServiceDatabase, clock: Clock) {
    this.#db = db
    this.#clock = clock
  }

  create(image: NewImage): Image {
    const now = glanceTime(this.#clock.now())
    this.#db
      .prepare(
        `INSERT INTO images (id, name, status, visibility, protected, os_hidden, disk_format,
           container_format, owner, min_disk, min_ram, tags, properties, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        image.id,
        image.name,
        image.visibility,
        image.protected ? 1 : 0,
        image.osHidden ? 1 : 0,
        image.diskFormat,
        image.containerFormat,
        image.owner,
        image.minDisk,
        image.minRam,
        JSON.stringify(image.tags),
        JSON.stringify(image.properties),
        now,
        now,
      )
    return this.get(image.id) as Image
  }

  get(id: string): Image | undefined {
    const row = this.#db.prepare('SELECT * FROM images WHERE id = ?').get(id) as
      | ImageRow
      | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  /** The image if this viewer may see it; 404 otherwise (Glance never confirms a hidden id). */
  visible(id: string, viewer: Viewer): Image {
    const image = this.get(id.toLowerCase())
    if (image === undefined || !canSee(image, viewer)) {
      throw new NotFound(`No image found with ID ${id}`)
    }
    return image
  }

  /** The image if this viewer may change it: 404 when hidden, 403 when only visible. */
  modifiable(id: string, viewer: Viewer, action: string): Image {
    const image = this.visible(id, viewer)
    if (!viewer.admin && image.owner !== viewer.projectId) {
      throw new Forbidden(`You are not permitted to ${action} this image.`)
    }
    return image
  }

  /** Every image this viewer may see, unordered (filters and paging happen in listing.ts). */
  allVisible(viewer: Viewer): Image[] {
    const rows = viewer.admin
      ? (this.#db.prepare('SELECT * FROM images').all() as ImageRow[])
      : (this.#db
          .prepare(`SELECT * FROM images WHERE owner = ? OR visibility IN ('public', 'community')`)
          .all(viewer.projectId) as ImageRow[])
    return rows.map(fromRow)
  }

  /** queued -> saving; false when the image is not queued (someone else is uploading, or it has data). */
  beginUpload(id: string): boolean {
    return this.#transition(id, 'queued', 'saving')
  }

  /** saving -> active with the data's size and hashes; false when the image was deleted meanwhile. */
  finishUpload(id: string, result: UploadResult): boolean {
    const changed = this.#db
      .prepare(
        `UPDATE images SET status = 'active', size = ?, checksum = ?, os_hash_algo = ?,
           os_hash_value = ?, updated_at = ? WHERE id = ? AND status = 'saving'`,
      )
      .run(
        result.size,
        result.checksum,
        result.osHashAlgo,
        result.osHashValue,
        glanceTime(this.#clock.now()),
        id,
      )
    return changed.changes === 1
  }

  /** saving -> queued: the data never became whole, so the image is as if no upload happened. */
  abandonUpload(id: string): boolean {
    return this.#transition(id, 'saving', 'queued')
  }

  /** Start-up: uploads a previous run was serving when it stopped can never finish. */
  abandonInterruptedUploads(): string[] {
    const ids = this.#db
      .prepare(`SELECT id FROM images WHERE status = 'saving'`)
      .pluck()
      .all() as string[]
    for (const id of ids) this.abandonUpload(id)
    return ids
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM images WHERE id = ?').run(id).changes === 1
  }

  #transition(id: string, from: string, to: string): boolean {
    const changed = this.#db
      .prepare('UPDATE images SET status = ?, updated_at = ? WHERE id = ? AND status = ?')
      .run(to, glanceTime(this.#clock.now()), id, from)
    return changed.changes === 1
  }
}
