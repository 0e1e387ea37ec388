/**
 * The memcached backend (memjs, binary protocol). Server strings take python-memcached's forms
 * (`host:port`, `inet:host:port`, `inet6:[::1]:port`, `[::1]:port`). Like python-memcached under
 * keystonemiddleware, a server that fails is skipped for `deadRetrySeconds`, so a dead memcached
 * costs one socket timeout and then instant misses, not a timeout per request.
 * @module
 */
import memjs from 'memjs'
import { CacheConfigError } from '../errors.ts'
import type { CacheBackend } from './types.ts'

export type MemcachedBackendOptions = {
  readonly servers: readonly string[]
  /** One call's timeout (and the connect timeout); default 3000. */
  readonly socketTimeoutMs?: number
  /** How long a failed server is skipped before it is tried again; default 300. */
  readonly deadRetrySeconds?: number
  /**
   * Accepted for `memcache_pool_maxsize`; memjs pipelines every request over one connection per
   * server, so there is no pool to size.
   */
  readonly poolMaxSize?: number
}

/** memcached reads an expiry above 30 days as an absolute Unix time. */
const MAX_RELATIVE_TTL = 60 * 60 * 24 * 30
const DEFAULT_PORT = 11211

export type MemcachedAddress = { readonly host: string; readonly port: number }

/** Parses one `memcached_servers` entry; throws CacheConfigError for anything else. */
export function parseMemcachedServer(entry: string): MemcachedAddress {
  if (entry.includes('@')) {
    // Credentials would end up in error messages; keystonemiddleware has no such syntax either.
    throw new CacheConfigError('memcached_servers entries are host:port, without credentials')
  }
  const text = entry.trim().replace(/^inet6?:/, '')
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(text)
  const host = match?.[1] ?? match?.[2]
  const port = match?.[3] === undefined ? DEFAULT_PORT : Number(match[3])
  if (match === null || host === undefined || port < 1 || port > 65535) {
    throw new CacheConfigError(
      `memcached_servers: cannot parse ${JSON.stringify(entry)} as host:port`,
    )
  }
  return { host, port }
}

export function createMemcachedBackend(o: MemcachedBackendOptions): CacheBackend {
  if (o.servers.length === 0) throw new CacheConfigError('memcached_servers is empty')
  const addresses = o.servers.map(parseMemcachedServer)
  const timeoutSeconds = (o.socketTimeoutMs ?? 3000) / 1000
  const serverOptions = { timeout: timeoutSeconds, conntimeout: timeoutSeconds, keepAlive: true }
  const client = new memjs.Client(
    addresses.map((a) => new memjs.Server(a.host, a.port, undefined, undefined, serverOptions)),
    {
      // One try: a retry against a dead or hung server only doubles the wait (python-memcached
      // does not retry either). `failover` marks the server dead for failoverTime seconds.
      retries: 1,
      failover: true,
      failoverTime: o.deadRetrySeconds ?? 300,
      // memjs logs to console by default; TokenCache reports failures itself, throttled.
      logger: { log: () => {} },
    },
  )
  return {
    name: 'memcached',
    async get(key) {
      const { value } = await client.get(key)
      return value === null ? undefined : value.toString('utf8')
    },
    async set(key, value, ttlSeconds) {
      await client.set(key, value, { expires: Math.min(ttlSeconds, MAX_RELATIVE_TTL) })
    },
    async close() {
      client.close()
    },
  }
}
