/**
 * Raw INI parsing against the real oslo.config: every fixture under fixtures/ini parses to the same
 * sections, keys and value lists (order included), or fails on the same line with the same reason.
 * @module
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, type IniDocument, normalizeGroupName, parseIni } from '@baton/config'
import { FIXTURES, golden } from './golden.ts'

/** The document as oslo's ConfigParser.sections: [name, [key, values][]][] in insertion order. */
function rawSections(doc: IniDocument): [string, [string, string[]][]][] {
  return Object.entries(doc.sections).map(([name, keys]) => [
    name,
    Object.entries(keys).map(([key, values]): [string, string[]] => [key, [...values]]),
  ])
}

/** oslo's `_normalized`: the same, with sections merged under their normalized names. */
function normalizedSections(doc: IniDocument): [string, [string, string[]][]][] {
  const merged = new Map<string, Map<string, string[]>>()
  for (const name of Object.keys(doc.sections)) {
    if (!merged.has(normalizeGroupName(name))) merged.set(normalizeGroupName(name), new Map())
  }
  for (const entry of doc.entries) {
    const keys = merged.get(normalizeGroupName(entry.section)) as Map<string, string[]>
    keys.set(entry.key, [...(keys.get(entry.key) ?? []), entry.value])
  }
  return [...merged].map(([name, keys]) => [name, [...keys]])
}

// oslo reports a key before any section at the line that ends its value; Baton names the key's line
const LINE_DIVERGENCE: Record<string, number> = { 'err_no_section.conf': 1 }

describe(`parseIni matches oslo.config ${golden.oslo_config}`, () => {
  for (const [file, expected] of Object.entries(golden.parse)) {
    test(file, () => {
      const path = join(FIXTURES, 'ini', file)
      const text = readFileSync(path, 'utf8')
      if (expected.error) {
        const { line, message } = expected.error
        assert.throws(
          () => parseIni(text, path),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError)
            assert.equal(err.code, 'BATON_CONFIG_PARSE')
            const wantLine = LINE_DIVERGENCE[file] ?? line
            assert.ok(err.message.startsWith(`${path}:${wantLine}: ${message}`), err.message)
            return true
          },
        )
        return
      }
      const doc = parseIni(text, path)
      assert.deepEqual(rawSections(doc), expected.sections)
      assert.deepEqual(normalizedSections(doc), expected.normalized)
    })
  }
})
