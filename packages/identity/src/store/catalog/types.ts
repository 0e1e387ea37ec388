/**
 * The catalog area's entities and repository interface: services, regions and endpoints.
 * @module
 */
import type { JsonObject } from '../codecs.ts'

export type EndpointInterface = 'public' | 'internal' | 'admin'

export interface Service {
  readonly id: string
  readonly type: string
  readonly name: string | null
  readonly description: string | null
  readonly enabled: boolean
  readonly extra: JsonObject
}

export interface NewService {
  readonly id?: string
  readonly type: string
  readonly name?: string | null
  readonly description?: string | null
  readonly enabled?: boolean
  readonly extra?: JsonObject
}

export interface ServicePatch {
  readonly type?: string
  readonly name?: string | null
  readonly description?: string | null
  readonly enabled?: boolean
  readonly extra?: JsonObject
}

export interface ServiceFilter {
  readonly type?: string
  readonly name?: string
}

export interface Region {
  readonly id: string
  readonly description: string | null
  readonly parentRegionId: string | null
  readonly extra: JsonObject
}

export interface NewRegion {
  /** Caller-chosen (`PUT /regions/{id}`, bootstrap's RegionOne) or generated. */
  readonly id?: string
  readonly description?: string | null
  readonly parentRegionId?: string | null
  readonly extra?: JsonObject
}

export interface RegionPatch {
  readonly description?: string | null
  readonly parentRegionId?: string | null
  readonly extra?: JsonObject
}

export interface Endpoint {
  readonly id: string
  readonly interface: EndpointInterface
  readonly serviceId: string
  readonly regionId: string | null
  readonly url: string
  readonly enabled: boolean
  readonly extra: JsonObject
}

export interface NewEndpoint {
  readonly id?: string
  readonly interface: EndpointInterface
  readonly serviceId: string
  readonly regionId?: string | null
  readonly url: string
  readonly enabled?: boolean
  readonly extra?: JsonObject
}

export interface EndpointPatch {
  readonly interface?: EndpointInterface
  readonly serviceId?: string
  readonly regionId?: string | null
  readonly url?: string
  readonly enabled?: boolean
  readonly extra?: JsonObject
}

export interface EndpointFilter {
  readonly interface?: EndpointInterface
  readonly serviceId?: string
  readonly regionId?: string
  readonly enabled?: boolean
}

/** One enabled service with its enabled endpoints, for a token's catalog. */
export interface CatalogEntry {
  readonly service: Service
  readonly endpoints: readonly Endpoint[]
}

export interface CatalogRepository {
  createService(input: NewService): Promise<Service>
  /** @throws ServiceNotFound */
  getService(id: string): Promise<Service>
  listServices(filter?: ServiceFilter): Promise<Service[]>
  updateService(id: string, patch: ServicePatch): Promise<Service>
  /** Also deletes its endpoints. */
  deleteService(id: string): Promise<void>

  /** @throws Conflict (ID taken), RegionNotFound (parent) */
  createRegion(input: NewRegion): Promise<Region>
  /** @throws RegionNotFound */
  getRegion(id: string): Promise<Region>
  listRegions(filter?: { readonly parentRegionId?: string }): Promise<Region[]>
  /** @throws ValidationError when the new parent would make a cycle */
  updateRegion(id: string, patch: RegionPatch): Promise<Region>
  /** Deletes the region and its child regions. @throws Forbidden if any has endpoints */
  deleteRegion(id: string): Promise<void>

  /** @throws ServiceNotFound, RegionNotFound */
  createEndpoint(input: NewEndpoint): Promise<Endpoint>
  /** @throws EndpointNotFound */
  getEndpoint(id: string): Promise<Endpoint>
  listEndpoints(filter?: EndpointFilter): Promise<Endpoint[]>
  updateEndpoint(id: string, patch: EndpointPatch): Promise<Endpoint>
  deleteEndpoint(id: string): Promise<void>

  /** Every enabled service with its enabled endpoints (Keystone's v3 catalog), in two queries. */
  listCatalog(): Promise<CatalogEntry[]>
}
