/**
 * `GET /v2/schemas/image(s)`: Glance's JSON schemas for the fields this service implements, which
 * glanceclient-style clients fetch to learn what they may send.
 * @module
 */
import { CONTAINER_FORMATS, DISK_FORMATS, STATUSES, VISIBILITIES } from './model.ts'

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({
  type: [type, 'null'],
  ...extra,
})
const readOnly = (schema: Record<string, unknown>) => ({ ...schema, readOnly: true })

export function imageSchema(): Record<string, unknown> {
  return {
    name: 'image',
    properties: {
      id: {
        type: 'string',
        pattern:
          '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
      },
      name: nullable('string', { maxLength: 255 }),
      status: readOnly({ type: 'string', enum: STATUSES }),
      visibility: { type: 'string', enum: VISIBILITIES },
      protected: { type: 'boolean' },
      os_hidden: { type: 'boolean' },
      checksum: readOnly(nullable('string', { maxLength: 32 })),
      os_hash_algo: readOnly(nullable('string', { maxLength: 64 })),
      os_hash_value: readOnly(nullable('string', { maxLength: 128 })),
      owner: nullable('string', { maxLength: 255 }),
      size: readOnly(nullable('integer')),
      virtual_size: readOnly(nullable('integer')),
      container_format: { enum: [null, ...CONTAINER_FORMATS] },
      disk_format: { enum: [null, ...DISK_FORMATS] },
      created_at: readOnly({ type: 'string' }),
      updated_at: readOnly({ type: 'string' }),
      tags: { type: 'array', items: { type: 'string', maxLength: 255 } },
      min_ram: { type: 'integer' },
      min_disk: { type: 'integer' },
      self: readOnly({ type: 'string' }),
      file: readOnly({ type: 'string' }),
      schema: readOnly({ type: 'string' }),
    },
    additionalProperties: { type: 'string' },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }
}

export function imagesSchema(): Record<string, unknown> {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema() },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }
}
