/**
 * The compute service's own options, in `[DEFAULT]` with Nova's names: how long a server build waits
 * for its boot volume. The group merges with the kit's `[DEFAULT]` (host, port, data_dir).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const computeOptions = defineGroup('DEFAULT', {
  block_device_allocate_retries: opt.int({
    default: 60,
    min: 0,
    help:
      'How many times a server build checks again whether its boot volume is available before the ' +
      'server goes to ERROR (Nova’s option; raise it for long, throttled image copies).',
  }),
  block_device_allocate_retries_interval: opt.float({
    default: 3,
    min: 0,
    help: 'Seconds between those checks (Nova’s option; fractions allowed).',
  }),
})
