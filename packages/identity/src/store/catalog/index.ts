/**
 * The SQL implementation of `CatalogRepository`.
 * @module
 */
import type { StoreContext } from '../context.ts'
import * as endpoints from './endpoints.ts'
import * as regions from './regions.ts'
import * as services from './services.ts'
import type { CatalogRepository } from './types.ts'

export type * from './types.ts'

export function createCatalogRepository(ctx: StoreContext): CatalogRepository {
  return {
    createService: (input) => services.createService(ctx, input),
    getService: (id) => services.getService(ctx, id),
    listServices: (filter) => services.listServices(ctx, filter),
    updateService: (id, patch) => services.updateService(ctx, id, patch),
    deleteService: (id) => services.deleteService(ctx, id),
    createRegion: (input) => regions.createRegion(ctx, input),
    getRegion: (id) => regions.getRegion(ctx, id),
    listRegions: (filter) => regions.listRegions(ctx, filter),
    updateRegion: (id, patch) => regions.updateRegion(ctx, id, patch),
    deleteRegion: (id) => regions.deleteRegion(ctx, id),
    createEndpoint: (input) => endpoints.createEndpoint(ctx, input),
    getEndpoint: (id) => endpoints.getEndpoint(ctx, id),
    listEndpoints: (filter) => endpoints.listEndpoints(ctx, filter),
    updateEndpoint: (id, patch) => endpoints.updateEndpoint(ctx, id, patch),
    deleteEndpoint: (id) => endpoints.deleteEndpoint(ctx, id),
    listCatalog: () => endpoints.listCatalog(ctx),
  }
}
