import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderCatalog } from '../../../../packages/identity/src/core/tokens/index.ts'
import type { CatalogEntry } from '../../../../packages/identity/src/store/index.ts'

const service = {
  id: 's1',
  type: 'compute',
  name: null,
  description: null,
  enabled: true,
  extra: {},
}
const endpoint = (id: string, url: string, extra = {}) => ({
  id,
  interface: 'public' as const,
  serviceId: 's1',
  regionId: 'RegionOne',
  url,
  enabled: true,
  extra,
})

test("endpoint URLs get keystone's format_url substitutions; unformattable ones are skipped", () => {
  const table: [string, string | null, string | null][] = [
    // url, with a project, without one (domain or system scope)
    ['http://h/v2.1/$(project_id)s', 'http://h/v2.1/P', null],
    ['http://h/v1/AUTH_%(tenant_id)s', 'http://h/v1/AUTH_P', null],
    ['http://h/$(user_id)s/x', 'http://h/U/x', 'http://h/U/x'],
    [
      'http://h:$(public_port)s/$(public_bind_host)s',
      'http://h:5000/0.0.0.0',
      'http://h:5000/0.0.0.0',
    ],
    ['$(public_endpoint)s/v3', 'None/v3', 'None/v3'],
    ['http://h/100%%', 'http://h/100%', 'http://h/100%'],
    ['http://h/a%20b', null, null], // Python: unsupported format character
    ['http://h/$(compute_host)s', null, null], // whitelisted but unknown: KeyError
    ['http://h/$(secret)s', null, null], // not whitelisted
    ['http://h/$(project_id)d', null, null],
    ['http://h/%', null, null],
    ['http://plain/', 'http://plain/', 'http://plain/'],
  ]
  for (const [url, withProject, withoutProject] of table) {
    const entries: CatalogEntry[] = [{ service, endpoints: [endpoint('e', url)] }]
    const a = renderCatalog(entries, 'U', 'P')[0]?.endpoints[0]?.url ?? null
    const b = renderCatalog(entries, 'U', null)[0]?.endpoints[0]?.url ?? null
    assert.deepEqual([a, b], [withProject, withoutProject], url)
  }
})

test('endpoint shape: extras, columns, region; services keep an empty list and a "" name', () => {
  const entries: CatalogEntry[] = [
    { service, endpoints: [endpoint('e1', 'http://x', { name: 'legacy' })] },
    { service: { ...service, id: 's2', name: 'glance', type: 'image' }, endpoints: [] },
  ]
  assert.deepEqual(renderCatalog(entries, 'U', 'P', { publicEndpoint: 'https://id' }), [
    {
      endpoints: [
        {
          name: 'legacy',
          id: 'e1',
          interface: 'public',
          region_id: 'RegionOne',
          url: 'http://x',
          region: 'RegionOne',
        },
      ],
      id: 's1',
      type: 'compute',
      name: '',
    },
    { endpoints: [], id: 's2', type: 'image', name: 'glance' },
  ])
})
