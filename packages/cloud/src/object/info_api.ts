/**
 * Swift's `/info` (capabilities, answered without a token): the version Baton mimics and the
 * `[swift-constraints]` a client must respect.
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import type { SwiftLimits } from './levels.ts'

export const infoApi: FastifyPluginAsync<{ readonly limits: SwiftLimits }> = async (
  app,
  { limits },
) => {
  app.get('/info', async () => ({
    swift: {
      version: '2.30.0',
      max_file_size: limits.max_file_size,
      max_object_name_length: limits.max_object_name_length,
      max_container_name_length: limits.max_container_name_length,
      container_listing_limit: limits.container_listing_limit,
      account_listing_limit: limits.account_listing_limit,
      account_autocreate: true,
      allow_account_management: false,
      policies: [{ name: 'Policy-0', default: true }],
    },
  }))
}
