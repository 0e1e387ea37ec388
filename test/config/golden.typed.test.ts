/**
 * Typed values against the real oslo.config: every scenario in oslo_golden.json (type conversion,
 * layered files, environment variables, command-line overrides, `$name` substitution, required
 * options) gives the same value, or an error where oslo raised one. The few deliberate differences
 * are listed below with the reason.
 * @module
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig, type OptionGroup } from '@baton/config'
import { decode, FIXTURES, golden, groupsOf, type Outcome, type Scenario } from './golden.ts'

/** Where Baton knowingly differs, and what it does instead. */
const DIVERGENCES: Record<string, { reason: string; expect: Outcome }> = {
  'types/types.int_huge': {
    reason: 'Python ints are unbounded; Baton refuses integers a JS number cannot hold exactly',
    expect: { error: 'too large' },
  },
  'env/layered.m': {
    reason: "oslo's env source iterates a multiStr string character by character (a bug)",
    expect: { value: ['ab'] },
  },
  'cli/cli.a': {
    reason: 'oslo lets the environment beat the command line when a file also sets the option',
    expect: { value: 'cli' },
  },
  'cli/cli.m': {
    reason: 'argparse appends command-line multi values to the file ones; Baton overrides replace',
    expect: { value: ['c1'] },
  },
}

/** The Baton error code for the exception oslo raised. */
function codeFor(osloError: string): string {
  if (osloError === 'required') return 'BATON_CONFIG_REQUIRED'
  if (/^(NoSuchOptError|NoSuchGroupError|TemplateSubstitutionError)/.test(osloError)) {
    return 'BATON_CONFIG_SUBSTITUTION'
  }
  return 'BATON_CONFIG_VALUE'
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) return { ...value }
  return value === undefined ? null : value
}

function overridesOf(sc: Scenario): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {}
  for (const [group, name, value] of sc.cli ?? []) {
    const g = out[group] ?? {}
    out[group] = g
    const prev = g[name]
    g[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value]
  }
  return out
}

function load(sc: Scenario, groups: OptionGroup[]) {
  return loadConfig({
    files: sc.files.map((f) => join(FIXTURES, f)),
    env: sc.env ?? {},
    overrides: overridesOf(sc),
    groups,
  })
}

/** Baton's expectation for one option: oslo's outcome, a required-but-None error, or a divergence. */
function expected(sc: Scenario, group: string, name: string, outcome: Outcome): Outcome {
  const divergence = DIVERGENCES[`${sc.name}/${group}.${name}`]
  if (divergence) return divergence.expect
  const required = golden.options[sc.set]?.find(
    (d) => d.group === group && d.name === name,
  )?.required
  if (required && 'value' in outcome && outcome.value === null) return { error: 'required' }
  return outcome
}

for (const sc of golden.typed) {
  describe(`scenario ${sc.name} matches oslo.config ${golden.oslo_config}`, () => {
    const descriptions = golden.options[sc.set] ?? []
    const outcomes = new Map<string, Outcome>()
    for (const d of descriptions) {
      const outcome = sc.results[d.group]?.[d.name]
      assert.ok(outcome, `${d.group}.${d.name} missing from the golden file`)
      outcomes.set(`${d.group}.${d.name}`, expected(sc, d.group, d.name, outcome))
    }
    // options that load cleanly are always declared (they may be referenced by `$name`)
    const clean = (key: string): boolean => 'value' in (outcomes.get(key) as Outcome)

    for (const d of descriptions) {
      const key = `${d.group}.${d.name}`
      const want = outcomes.get(key) as Outcome
      test(key, () => {
        const groups = groupsOf(descriptions, (o) => o === d || clean(`${o.group}.${o.name}`))
        const group = groups.find((g) => g.name === d.group) as OptionGroup
        if ('error' in want) {
          assert.throws(
            () => load(sc, groups).get(group),
            (err: unknown) => err instanceof ConfigError && err.code === codeFor(want.error),
          )
          return
        }
        const value = load(sc, groups).get(group)[d.name]
        assert.deepStrictEqual(plain(value), plain(decode(want.value)))
      })
    }
  })
}

describe('divergences from oslo.config are deliberate', () => {
  for (const [key, { reason }] of Object.entries(DIVERGENCES)) {
    test(`${key}: ${reason}`, () => {
      const [scenario, option] = key.split('/') as [string, string]
      const sc = golden.typed.find((s) => s.name === scenario)
      assert.ok(sc, `scenario ${scenario} exists`)
      const [group, name] = option.split('.') as [string, string]
      assert.ok(sc.results[group]?.[name], `${option} is in the golden file`)
    })
  }
})
