/**
 * The volume service's own options. They live in `[DEFAULT]` as in cinder.conf; the group merges
 * with the kit's `[DEFAULT]` (host, port, data_dir).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const volumeOptions = defineGroup('DEFAULT', {
  copy_bytes_per_second: opt.int({
    default: 0,
    min: 0,
    help:
      'Upper bound on how fast a volume is filled from an image, in bytes per second (0 = as fast ' +
      'as the image service sends). Slow copies let a demo outlive the user’s token on small images.',
  }),
  copy_chunk_bytes: opt.int({
    default: 0,
    min: 0,
    help:
      'Baton extension: fetch the image in ranged requests of this many bytes (0 = one stream). ' +
      'Each request is a fresh call through the chain, so a long copy keeps proving that the ' +
      'service tokens vouch for the user after the user’s token expired.',
  }),
})
