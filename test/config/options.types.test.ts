/**
 * Option declarations: value types are inferred (no default and not required → `T | undefined`),
 * values are frozen, and bad declarations fail when the group is defined.
 * @module
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, defineGroup, loadConfig, opt } from '@baton/config'

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(_proof: T): void {}

const tokenGroup = defineGroup(
  'token',
  {
    expiration: opt.int({ default: 3600, min: 0, help: 'Token lifetime in seconds.' }),
    allow_expired_window: opt.int({ default: 172800, min: 0, help: 'Window.' }),
    provider: opt.str({ default: 'fernet', choices: ['fernet'], help: 'Provider.' }),
  },
  { help: 'Token options.' },
)

const everything = defineGroup('all', {
  s: opt.str({ help: 's' }),
  sr: opt.str({ help: 's', required: true }),
  i: opt.int({ help: 'i' }),
  f: opt.float({ help: 'f', default: 0.5 }),
  b: opt.bool({ help: 'b', default: false }),
  p: opt.port({ help: 'p', default: 5000 }),
  l: opt.list({ help: 'l', default: [] }),
  m: opt.multiStr({ help: 'm' }),
  d: opt.dict({ help: 'd', default: {} }),
  u: opt.uri({ help: 'u' }),
})

describe('types', () => {
  test('config.get() is typed from the declaration', () => {
    const config = loadConfig({ overrides: { all: { sr: 'x' } }, groups: [tokenGroup, everything] })
    const token = config.get(tokenGroup)
    expectType<
      Equal<
        typeof token,
        {
          readonly expiration: number
          readonly allow_expired_window: number
          readonly provider: string
        }
      >
    >(true)
    const all = config.get(everything)
    expectType<Equal<typeof all.s, string | undefined>>(true)
    expectType<Equal<typeof all.sr, string>>(true)
    expectType<Equal<typeof all.i, number | undefined>>(true)
    expectType<Equal<typeof all.f, number>>(true)
    expectType<Equal<typeof all.b, boolean>>(true)
    expectType<Equal<typeof all.p, number>>(true)
    expectType<Equal<typeof all.l, readonly string[]>>(true)
    expectType<Equal<typeof all.m, readonly string[] | undefined>>(true)
    expectType<Equal<typeof all.d, Readonly<Record<string, string>>>>(true)
    expectType<Equal<typeof all.u, string | undefined>>(true)
    assert.deepEqual(
      { ...token },
      { expiration: 3600, allow_expired_window: 172800, provider: 'fernet' },
    )
    assert.equal(all.s, undefined)
    assert.equal(all.m, undefined, 'a multiStr with no value and no default is None in oslo')
    assert.ok(Object.isFrozen(token) && Object.isFrozen(all.l) && Object.isFrozen(all.d))
    assert.throws(() => {
      // @ts-expect-error values are read-only
      token.expiration = 1
    }, TypeError)
  })

  test('declarations are checked when the group is defined', () => {
    const bad: [string, () => unknown][] = [
      [
        'default out of bounds',
        () => defineGroup('g', { x: opt.int({ help: 'x', default: -1, min: 0 }) }),
      ],
      [
        'default not a choice',
        () => defineGroup('g', { x: opt.str({ help: 'x', default: 'b', choices: ['a'] }) }),
      ],
      ['max below min', () => defineGroup('g', { x: opt.int({ help: 'x', min: 2, max: 1 }) })],
      ['port bounds', () => defineGroup('g', { x: opt.port({ help: 'x', default: 70000 }) })],
      ['name with =', () => defineGroup('g', { 'a=b': opt.str({ help: 'x' }) })],
      ['name with -', () => defineGroup('g', { 'a-b': opt.str({ help: 'x' }) })],
      ['name starting with _', () => defineGroup('g', { _x: opt.str({ help: 'x' }) })],
      ['group name with ]', () => defineGroup('g]', {})],
      [
        'clashing duplicates',
        () =>
          loadConfig({
            groups: [
              defineGroup('g', { x: opt.int({ help: 'x', default: 1 }) }),
              defineGroup('g', { x: opt.int({ help: 'x', default: 2 }) }),
            ],
          }),
      ],
    ]
    for (const [what, fn] of bad) {
      assert.throws(
        fn,
        (e: unknown) => e instanceof ConfigError && e.code === 'BATON_CONFIG_DEFINITION',
        what,
      )
    }
    // an identical re-declaration (two packages sharing a group) is fine
    const again = () => defineGroup('g', { x: opt.int({ help: 'x', default: 1 }) })
    assert.doesNotThrow(() => loadConfig({ groups: [again(), again()] }))
    // a template default is checked at load, after substitution
    const templ = defineGroup('g', {
      x: opt.int({ help: 'x' }),
      y: opt.str({ help: 'y', default: '$x', choices: ['1'] }),
    })
    assert.equal(loadConfig({ overrides: { g: { x: '1' } }, groups: [templ] }).get(templ).y, '1')
    assert.throws(() => loadConfig({ overrides: { g: { x: '2' } }, groups: [templ] }), ConfigError)
  })

  test('a dashed deprecated name is also read with underscores, as oslo does', () => {
    const g = defineGroup('g', {
      new_name: opt.str({ help: 'n', deprecatedNames: [{ name: 'old-name' }] }),
    })
    const config = loadConfig({ overrides: {}, groups: [g] })
    assert.equal(config.get(g).new_name, undefined)
    const names = g.options.new_name.deprecatedNames.map((d) => d.name)
    assert.deepEqual(names, ['old-name', 'old_name'])
  })
})
