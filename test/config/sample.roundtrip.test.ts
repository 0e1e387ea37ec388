/**
 * Sample configs: `generateSampleConfig()` output parses back, sets nothing while commented out, and
 * yields every default again when each `#name = default` line is uncommented.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defineGroup, generateSampleConfig, loadConfig, opt, parseIni } from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const groups = [
  defineGroup(
    'token',
    {
      expiration: opt.int({
        default: 3600,
        min: 0,
        max: 9223372036854775807n,
        help: 'Token lifetime in seconds.',
      }),
      provider: opt.str({
        default: 'fernet',
        choices: [['fernet', 'Fernet tokens.']],
        help: 'Provider.',
      }),
      ratio: opt.float({ default: 0.25, help: 'A ratio.' }),
      caching: opt.bool({ default: true, help: 'Cache.' }),
      port: opt.port({ default: 5000, help: 'Port.' }),
      methods: opt.list({ default: ['password', 'token'], help: 'Methods.' }),
      mapping: opt.dict({ default: { b: '2', a: '1' }, help: 'Mapping.' }),
      dirs: opt.multiStr({ default: ['/etc/a', '/etc/b'], help: 'Directories.' }),
      url: opt.uri({ default: 'https://identity.example.com:5000/v3', help: 'Endpoint.' }),
      padded: opt.str({
        default: ' spaced ',
        help: 'Leading and trailing spaces survive quoting.',
      }),
      multiline: opt.str({ default: 'first\nsecond', help: 'Two lines.' }),
      unset: opt.str({ help: 'No default.' }),
    },
    { help: 'Token options.' },
  ),
  defineGroup('DEFAULT', { debug: opt.bool({ default: false, help: 'Debug.' }) }),
]

test('the sample is valid INI and, commented out, changes nothing', () => {
  const sample = generateSampleConfig(groups)
  assert.ok(
    sample.startsWith(
      '[DEFAULT]\n\n#\n# From baton\n#\n\n# Debug. (boolean value)\n#debug = false\n',
    ),
  )
  assert.match(sample, /\n\n\[token\]\n# Token options\.\n\n#\n# From baton\n#\n/)
  assert.match(
    sample,
    /# Minimum value: 0\n# Maximum value: 9223372036854775807\n#expiration = 3600\n/,
  )
  assert.match(sample, /# Possible values:\n# fernet - Fernet tokens\.\n#provider = fernet\n/)
  assert.deepEqual(parseIni(sample).entries, [])
  const [path] = writeConfigs({ 'sample.conf': sample }) as [string]
  const config = loadConfig({ files: [path], groups })
  assert.deepEqual(config.warnings, [])
})

test('uncommenting every default yields the same values as the defaults', () => {
  const sample = generateSampleConfig(groups)
  const uncommented = sample
    .split('\n')
    .map((line) =>
      /^#[a-z_]+ = (?!<None>)/.test(line) || line.startsWith('#    ') ? line.slice(1) : line,
    )
    .join('\n')
  const [path] = writeConfigs({ 'live.conf': uncommented }) as [string]
  const fromFile = loadConfig({ files: [path], groups })
  const fromDefaults = loadConfig({ groups })
  for (const group of groups) {
    assert.deepEqual({ ...fromFile.get(group) }, { ...fromDefaults.get(group) })
    for (const [name, s] of Object.entries(fromFile.sources(group))) {
      if (name !== 'unset') assert.equal(s.source.kind, 'file', name)
    }
  }
  assert.deepEqual(fromFile.warnings, [])
})
