/**
 * A real keystone.conf is a valid Baton config: with Keystone's own option declarations (the 211 of
 * 213 that Baton's option kinds express exactly; the other two are HostAddressOpts), Baton reads the
 * same values real Keystone reads, from a hand-written production-style keystone.conf and from the
 * generator's sample with every default uncommented; the rest of a file is warnings, never errors.
 * @module
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadConfig, normalizeGroupName, type OptionGroup, parseIni } from '@baton/config'
import { decode, FIXTURES, golden, groupsOf } from './golden.ts'

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) return { ...value }
  return value === undefined ? null : value
}

const groups = groupsOf(golden.keystone.options)
const declared = new Set(golden.keystone.options.map((d) => `${d.group}\u0000${d.name}`))

for (const [file, expected] of Object.entries(golden.keystone.results)) {
  describe(`${file} reads like real Keystone`, () => {
    const path = join(FIXTURES, file)
    const config = loadConfig({ files: [path], env: {}, groups })

    test('every declared keystone option has the value Keystone reads', () => {
      let compared = 0
      for (const group of groups) {
        const values = config.get(group as OptionGroup)
        for (const [name, outcome] of Object.entries(expected[group.name] ?? {})) {
          assert.ok('value' in outcome, `${group.name}.${name} loads in Keystone`)
          assert.deepStrictEqual(
            plain(values[name]),
            plain(decode(outcome.value)),
            `[${group.name}] ${name}`,
          )
          compared++
        }
      }
      assert.equal(compared, golden.keystone.options.length)
    })

    test('options Keystone itself does not declare are one warning each', () => {
      const doc = parseIni(readFileSync(path, 'utf8'), path)
      const unknown = new Set<string>()
      for (const e of doc.entries) {
        const key = `${normalizeGroupName(e.section)}\u0000${e.key}`
        if (!declared.has(key)) unknown.add(key)
      }
      const unknownWarnings = config.warnings.filter((w) => w.includes('unknown option'))
      assert.equal(unknownWarnings.length, unknown.size)
      for (const warning of unknownWarnings)
        assert.match(warning, /^\/.+\.conf:\d+: \[[^\]]+\] \S+: /)
    })
  })
}

test('keystone.conf: the unknown options are those of other libraries (oslo.cache, oslo.policy...)', () => {
  const path = join(FIXTURES, 'keystone.conf')
  const config = loadConfig({ files: [path], groups })
  const at = (group: string, name: string) =>
    config.warnings.filter((w) => w.includes(`: [${group}] ${name}: unknown option`))
  assert.equal(at('cache', 'backend').length, 1)
  assert.equal(at('oslo_policy', 'policy_dirs').length, 1, 'a repeated unknown key warns once')
  assert.equal(at('DEFAULT', 'transport_url').length, 1)
  assert.ok(config.warnings.every((w) => !w.includes('Ld@p') && !w.includes('s3cr3t')))
})
