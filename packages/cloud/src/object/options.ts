/**
 * The object service's own options, under Swift's `[swift-constraints]` names and defaults, so an
 * operator's proxy-server.conf values carry over.
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const swiftConstraints = defineGroup(
  'swift-constraints',
  {
    max_file_size: opt.int({
      default: 5_368_709_122,
      min: 1,
      help: 'Largest object a single PUT may store, in bytes (Swift’s default, 5 GiB + 2).',
    }),
    max_object_name_length: opt.int({
      default: 1024,
      min: 1,
      help: 'Longest object name, in bytes of UTF-8.',
    }),
    max_container_name_length: opt.int({
      default: 256,
      min: 1,
      help: 'Longest container name, in bytes of UTF-8.',
    }),
    container_listing_limit: opt.int({
      default: 10_000,
      min: 1,
      help: 'Most objects one container listing returns (and the default `limit`).',
    }),
    account_listing_limit: opt.int({
      default: 10_000,
      min: 1,
      help: 'Most containers one account listing returns (and the default `limit`).',
    }),
  },
  { help: 'Limits of the object service, named as in Swift.' },
)
