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
})
