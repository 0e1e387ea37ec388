/**
 * The image service's own options (`[image]`): where image data goes in the object service, and
 * Glance's size cap and list paging limits (Glance keeps these in `[DEFAULT]`; the names are Glance's).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const imageOptions = defineGroup(
  'image',
  {
    container: opt.str({
      default: 'glance_images',
      help:
        'Container in the image owner’s object-store account that holds image data (one object ' +
        'per image, named by the image id).',
    }),
    image_size_cap: opt.int({
      default: 1_099_511_627_776,
      min: 1,
      help: 'Largest image data an upload may store, in bytes (Glance’s default, 1 TiB).',
    }),
    limit_param_default: opt.int({
      default: 25,
      min: 1,
      help: 'Images per page of GET /v2/images when the request gives no limit.',
    }),
    api_limit_max: opt.int({
      default: 1000,
      min: 1,
      help: 'Most images one page of GET /v2/images may return, whatever limit is asked for.',
    }),
  },
  { help: 'The image service (Glance v2 API subset).' },
)
