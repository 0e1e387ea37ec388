/**
 * Validates a `POST /servers` body the way Nova's schema would for what Baton supports: a name, an
 * optional flavorRef, and boot from volume only: one block_device_mapping_v2 entry with source_type
 * image, destination_type volume, boot_index 0 and a volume_size. Messages follow Nova's wording.
 * @module
 */
import { BadRequest } from '../kit/errors.ts'

export type ServerSpec = {
  readonly name: string
  readonly flavor_id: string
  readonly boot_image_id: string
  readonly volume_size: number
  readonly deleteOnTermination: boolean
  readonly metadata: Readonly<Record<string, string>>
}

const DEFAULT_FLAVOR = '1'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(message: string): never {
  throw new BadRequest(`Invalid input for field/attribute ${message}`)
}

export function parseCreateServer(body: unknown, flavors: ReadonlySet<string>): ServerSpec {
  const server = isObject(body) ? body.server : undefined
  if (!isObject(server))
    throw new BadRequest(
      "Invalid input for field/attribute server. Value: None. 'server' is a required property",
    )
  const name = server.name
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255) {
    invalid('name. Value: the name must be a non-empty string of at most 255 characters.')
  }
  const flavorRef = server.flavorRef ?? DEFAULT_FLAVOR
  const flavorId = typeof flavorRef === 'number' ? String(flavorRef) : flavorRef
  if (typeof flavorId !== 'string') invalid('flavorRef. Value: it must be a string.')
  // flavorRef may be a URL ending in the id, as in Nova
  const flavor = flavorId.split('/').at(-1) ?? ''
  if (!flavors.has(flavor)) throw new BadRequest(`Flavor ${flavorId} could not be found.`)
  if (server.imageRef !== undefined && server.imageRef !== '' && server.imageRef !== null) {
    throw new BadRequest(
      'Baton boots servers from volumes only: leave imageRef empty and give block_device_mapping_v2 ' +
        'with source_type image, destination_type volume, boot_index 0.',
    )
  }
  const metadata = server.metadata ?? {}
  if (!isObject(metadata) || Object.values(metadata).some((v) => typeof v !== 'string')) {
    invalid('metadata. Value: it must be an object of strings.')
  }
  const mappings = server.block_device_mapping_v2
  if (!Array.isArray(mappings) || mappings.length !== 1 || !isObject(mappings[0])) {
    throw new BadRequest(
      'Block Device Mapping is Invalid: Baton boots from exactly one block_device_mapping_v2 entry ' +
        '(source_type image, destination_type volume, boot_index 0).',
    )
  }
  const bdm = mappings[0]
  const bootIndex = typeof bdm.boot_index === 'string' ? Number(bdm.boot_index) : bdm.boot_index
  if (bdm.source_type !== 'image' || bdm.destination_type !== 'volume' || bootIndex !== 0) {
    throw new BadRequest(
      'Block Device Mapping is Invalid: only source_type image with destination_type volume and ' +
        'boot_index 0 is supported.',
    )
  }
  if (typeof bdm.uuid !== 'string' || bdm.uuid === '') {
    throw new BadRequest('Block Device Mapping is Invalid: the image uuid is missing.')
  }
  const size = typeof bdm.volume_size === 'string' ? Number(bdm.volume_size) : bdm.volume_size
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new BadRequest(
      'Block Device Mapping is Invalid: volume_size must be a positive integer (GiB).',
    )
  }
  const deleteOnTermination = bdm.delete_on_termination
  if (deleteOnTermination !== undefined && typeof deleteOnTermination !== 'boolean') {
    invalid('delete_on_termination. Value: it must be a boolean.')
  }
  return {
    name,
    flavor_id: flavor,
    boot_image_id: bdm.uuid,
    volume_size: size,
    deleteOnTermination: deleteOnTermination === true,
    metadata: metadata as Record<string, string>,
  }
}
