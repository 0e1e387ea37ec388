import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { pyFloatRepr, pyRepr, pyStr } from '../../packages/config/src/index.ts'

// Python's own answers, written by fixtures/generate_py_repr_golden.py
type Case = { value: unknown; str: string; repr: string }
const cases = JSON.parse(
  readFileSync(new URL('fixtures/py_repr_golden.json', import.meta.url), 'utf8'),
) as Case[]

/** Floats come tagged as `{"float": repr}` (JSON cannot tell 1.0 from 1). */
function floatOf(value: unknown): number | undefined {
  if (typeof value === 'object' && value !== null && 'float' in value) {
    return Number(String(value.float).replace('inf', 'Infinity'))
  }
  return undefined
}

describe("pyStr and pyRepr print values as Python's str() and repr() do", () => {
  for (const c of cases) {
    const float = floatOf(c.value)
    it(`${c.repr}`, () => {
      if (float !== undefined) assert.equal(pyFloatRepr(float), c.repr)
      // an integral float is an int in the value model (a JS number cannot say which it was)
      if (float !== undefined && Number.isInteger(float)) return
      const value = float ?? c.value
      assert.equal(pyRepr(value), c.repr)
      assert.equal(pyStr(value), c.str)
    })
  }
  it('undefined is None, as a missing value reads in Python', () => {
    assert.equal(pyRepr(undefined), 'None')
    assert.equal(pyRepr([undefined]), '[None]')
  })
})
