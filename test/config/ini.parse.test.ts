/**
 * parseIni details beyond the golden files: entries keep file order and the key's line number,
 * a key named like an Object.prototype member is an ordinary key, and the source names errors.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseIni } from '@baton/config'

test('entries carry section, key, joined value and the key line', () => {
  const doc = parseIni('# c\n[DEFAULT]\na = 1\nb = x\n  y\n\n[s]\na : "q"\n', 'k.conf')
  assert.equal(doc.source, 'k.conf')
  assert.deepEqual(doc.entries, [
    { section: 'DEFAULT', key: 'a', value: '1', line: 3 },
    { section: 'DEFAULT', key: 'b', value: 'x\ny', line: 4 },
    { section: 's', key: 'a', value: 'q', line: 8 },
  ])
})

test('keys and sections named __proto__ or constructor are ordinary', () => {
  const doc = parseIni('[__proto__]\nconstructor = 1\n__proto__ = 2\n')
  const proto = '__proto__'
  assert.deepEqual(Object.keys(doc.sections), [proto])
  assert.deepEqual(doc.sections[proto]?.constructor, ['1'])
  assert.deepEqual(doc.sections[proto]?.[proto], ['2'])
  assert.equal(
    ({} as Record<string, unknown>).constructor,
    Object,
    'nothing leaked into prototypes',
  )
})

test('a section header error quotes the header; the default source is <string>', () => {
  assert.throws(
    () => parseIni('[token'),
    /^ConfigError: <string>:1: Invalid section \(must end with \]\): "\[token"$/,
  )
  assert.throws(() => parseIni('\uFEFF[DEFAULT]\n'), /byte-order mark/)
})
