/**
 * `baton config check --config-file F [--config-file G] [--service identity|compute|...]`: what
 * Baton makes of a config: the options it uses (with their values, secrets masked), deprecated
 * names, the options OpenStack declares that Baton knowingly does not use (with who declares them),
 * unknown options (with a did-you-mean) and invalid values. Exits 1 on an unknown option or an
 * invalid value. Heavy modules load inside the action, so `baton --help` stays fast.
 * @module
 */
import type { CheckedEntry, ConfigCheck, OptionGroup } from '@baton/config'
import { type Command, Option } from 'commander'
import type { CliIo } from '../io.ts'
import { PROGRAMS, type ProgramName } from '../local_cloud/plan.ts'

type Service = ProgramName

type CheckFlags = { configFile: string[]; service: Service; format: 'text' | 'json' }

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

export function registerConfigCommands(program: Command, io: CliIo): void {
  const config = program.command('config').description('inspect configuration files')
  const check = config
    .command('check')
    .description(
      'list the options a config sets: used, known to OpenStack but not used by Baton, unknown (with a did-you-mean), invalid; exit 1 on unknown or invalid',
    )
    .option(
      '--config-file <path>',
      'a keystone.conf-style file; repeat it to layer files (later ones win)',
      collect,
      [],
    )
    .addOption(
      new Option('--service <name>', 'the program that reads the files')
        .choices([...PROGRAMS])
        .default('identity'),
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
  check.action(async (flags: CheckFlags) => {
    if (flags.configFile.length === 0) {
      check.error('baton: config check needs at least one --config-file', { exitCode: 2 })
    }
    const { checkConfig, openstackOptions } = await import('@baton/config')
    const result = checkConfig({
      files: flags.configFile,
      env: io.env,
      groups: await groupsOf(flags.service),
      known: openstackOptions,
    })
    if (flags.format === 'json') io.out(JSON.stringify(result, null, 2))
    else for (const line of render(result, flags.service)) io.out(line)
    const unknown = result.entries.filter((e) => e.kind === 'unknown').length
    const bad = unknown + result.invalid.length
    if (bad > 0) {
      check.error(
        `baton: config check: ${plural(unknown, 'unknown option')}, ${plural(result.invalid.length, 'invalid value')}`,
        { exitCode: 1, code: 'baton.config.check' },
      )
    }
  })
}

async function groupsOf(service: Service): Promise<readonly OptionGroup[]> {
  if (service === 'identity') return (await import('@baton/identity')).identityOptionGroups
  const { serviceGroups, serviceSpecs } = await import('@baton/cloud')
  const spec = serviceSpecs.find((s) => s.name === service)
  if (spec === undefined) throw new Error(`no service spec for ${service}`)
  return serviceGroups(spec)
}

function render(result: ConfigCheck, service: Service): string[] {
  const of = (kind: CheckedEntry['kind']) => result.entries.filter((e) => e.kind === kind)
  const at = (e: CheckedEntry) => `${e.path}:${e.line}`
  const lines: string[] = [`Read as Baton's ${service} config.`]
  const section = (title: string, rows: readonly string[]) => {
    lines.push('', `${title} (${rows.length}):`)
    for (const row of rows) lines.push(`  ${row}`)
  }
  section(
    'used',
    of('used').map((e) => `[${e.section}] ${e.name} = ${e.display ?? '(invalid)'}  ${at(e)}`),
  )
  const deprecated = of('deprecated')
  if (deprecated.length > 0) {
    section(
      'deprecated names (still read)',
      deprecated.map((e) => `[${e.section}] ${e.name}: use ${e.current}  ${at(e)}`),
    )
  }
  section(
    'known to OpenStack, not used by Baton',
    of('unused').map((e) => `[${e.section}] ${e.name}  (${e.origin})  ${at(e)}`),
  )
  section(
    'unknown',
    of('unknown').map((e) => `[${e.section}] ${e.name}  ${at(e)}${e.hint ?? ''}`),
  )
  section(
    'invalid',
    result.invalid.map((i) => i.message),
  )
  return lines
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
