/**
 * Version discovery for an auth_url (keystoneauth `discover.py`, v3 only): a URL ending in `/v3` is
 * used as is; anything else is fetched and the v3 version's `self` link is taken from the answer
 * (`300 {"versions": {"values": [...]}}` at the root, or `200 {"version": {...}}`).
 * @module
 */
import { DiscoveryFailure, InvalidResponse } from './errors.ts'
import type { Session } from './session.ts'

const VERSIONED = /\/v3\/*$/

/** The v3 base URL for `authUrl`, without a trailing slash. */
export async function discoverV3(session: Session, authUrl: string): Promise<string> {
  if (VERSIONED.test(authUrl)) return authUrl.replace(/\/+$/, '')
  const res = await session.request(authUrl, {
    authenticated: false,
    raiseExc: false,
    headers: { Accept: 'application/json' },
  })
  if (res.status !== 200 && res.status !== 300) {
    throw new DiscoveryFailure(`version discovery at ${authUrl} answered ${res.status}`)
  }
  let body: unknown
  try {
    body = res.json()
  } catch (error) {
    if (error instanceof InvalidResponse) {
      throw new DiscoveryFailure(`version discovery at ${authUrl} did not answer JSON`)
    }
    throw error
  }
  for (const version of versionsIn(body)) {
    const id = field(version, 'id')
    if (typeof id !== 'string' || !/^v3(\.|$)/.test(id)) continue
    const href = selfLink(field(version, 'links'))
    if (href !== undefined) return new URL(href, authUrl).toString().replace(/\/+$/, '')
  }
  throw new DiscoveryFailure(`no v3 identity API is offered at ${authUrl}`)
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined
}

function versionsIn(body: unknown): readonly unknown[] {
  const versions = field(body, 'versions')
  if (Array.isArray(versions)) return versions
  const values = field(versions, 'values')
  if (Array.isArray(values)) return values
  const single = field(body, 'version')
  return single === undefined ? [] : [single]
}

function selfLink(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined
  for (const link of links) {
    const href = field(link, 'href')
    if (field(link, 'rel') === 'self' && typeof href === 'string') return href
  }
  return undefined
}
