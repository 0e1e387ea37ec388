/**
 * `[oauth1]`: how long OS-OAUTH1 request and access tokens live. Keystone's group, option names
 * and defaults (keystone/conf/oauth1.py); `driver` is not offered (Baton has one SQL store).
 * Part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const oauth1Options = defineGroup(
  'oauth1',
  {
    request_token_duration: opt.int({
      default: 28800,
      min: 0,
      help:
        'Number of seconds for the OAuth Request Token to remain valid after being created. ' +
        'This is the amount of time the user has to authorize the token. Setting this option ' +
        'to zero means that request tokens will last forever.',
    }),
    access_token_duration: opt.int({
      default: 86400,
      min: 0,
      help:
        'Number of seconds for the OAuth Access Token to remain valid after being created. This ' +
        'is the amount of time the consumer has to interact with the service provider (which ' +
        'is typically keystone). Setting this option to zero means that access tokens will ' +
        'last forever.',
    }),
  },
  { help: 'OS-OAUTH1: delegation to consumers through request and access tokens.' },
)
