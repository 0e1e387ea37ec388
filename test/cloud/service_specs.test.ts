/**
 * `serviceSpecs` (the main entry) and `serviceFacts` (the light entry the CLI reads at start-up) list
 * the same services in the same chain order, and each spec carries its service's facts unchanged:
 * what `baton up` writes into configs and the catalog is what the served spec says.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serviceSpecs } from '../../packages/cloud/src/service_specs.ts'
import { serviceFacts } from '../../packages/cloud/src/services.ts'

test('the specs follow the facts, in the chain order compute -> volume -> image -> object', () => {
  assert.deepEqual(
    serviceSpecs.map((s) => s.name),
    ['compute', 'volume', 'image', 'object'],
  )
  assert.equal(serviceSpecs.length, serviceFacts.length)
  serviceFacts.forEach((facts, i) => {
    const spec = serviceSpecs[i]
    for (const [key, value] of Object.entries(facts)) {
      assert.deepEqual(Reflect.get(spec ?? {}, key), value, `${facts.name}.${key}`)
    }
  })
})

test('only the end of the chain calls no next hop', () => {
  assert.deepEqual(
    serviceSpecs.filter((s) => s.callsNextHop === false).map((s) => s.name),
    ['object'],
  )
})
