/**
 * `@baton/cloud/services`: what the rest of a deployment must know of each reference service, as
 * plain data: its OpenStack default port, its catalog entry and the service user it calls the next
 * hop as. Each `ServiceSpec` spreads its facts in, so the spec owns them; this module imports
 * nothing, so the `baton` CLI can name the services and their ports at start-up (`baton --help`)
 * without loading fastify and SQLite through the main entry.
 * @module
 */

/** The service's entry in Keystone's catalog; `path` is appended to the service's URL. */
export type CatalogEntry = {
  readonly type: string
  readonly name: string
  readonly description: string
  readonly path: string
}

export type ServiceFacts = {
  /** compute, volume, image, object: the `baton serve` verb and the config/log file name. */
  readonly name: string
  /** OpenStack's usual port for the service. */
  readonly defaultPort: number
  readonly catalog: CatalogEntry
  /** The user the service authenticates as for service tokens (the one real deployments use). */
  readonly serviceUser: string
  /** False for the end of the chain (the object store): it calls no other service. */
  readonly callsNextHop?: boolean
}

export const computeFacts = {
  name: 'compute',
  defaultPort: 8774,
  catalog: { type: 'compute', name: 'nova', description: 'Compute', path: '/v2.1' },
  serviceUser: 'nova',
} as const satisfies ServiceFacts

export const volumeFacts = {
  name: 'volume',
  defaultPort: 8776,
  catalog: {
    type: 'volumev3',
    name: 'cinderv3',
    description: 'Block Storage',
    path: '/v3/%(project_id)s',
  },
  serviceUser: 'cinder',
} as const satisfies ServiceFacts

export const imageFacts = {
  name: 'image',
  defaultPort: 9292,
  catalog: { type: 'image', name: 'glance', description: 'Image', path: '' },
  serviceUser: 'glance',
} as const satisfies ServiceFacts

export const objectFacts = {
  name: 'object',
  defaultPort: 8080,
  catalog: {
    type: 'object-store',
    name: 'swift',
    description: 'Object Storage',
    path: '/v1/AUTH_%(project_id)s',
  },
  serviceUser: 'swift',
  callsNextHop: false,
} as const satisfies ServiceFacts

/**
 * The reference services in the order of the delegation chain: compute calls volume, volume calls
 * image, image calls object (the end of the chain). Consumers list them in this order and start them
 * in the reverse one, so each service's next hop is up before it.
 */
export const serviceFacts = [computeFacts, volumeFacts, imageFacts, objectFacts] as const

export type ServiceName = (typeof serviceFacts)[number]['name']
