/**
 * The five config files of a local cloud: identity's keystone.conf and, for each service, a config
 * with `[keystone_authtoken]` (receiving: its own service user, the service role required) and
 * `[service_user]` (sending: the same user's token as X-Service-Token). Each file baton writes
 * carries a checksum of its body in its first line: a file whose checksum still holds is baton's and
 * follows the plan (ports move with it); a file without one, or whose body changed, is the user's
 * and is never overwritten; `up` says which options differ from what it would have written.
 * @module
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type IniDocument, parseIni } from '@baton/config'
import { CliError, CliErrorCode } from '../errors.ts'
import { renderConfig } from './config_render.ts'
import {
  type CloudPlan,
  configPath,
  PROGRAMS,
  type ProgramName,
  SERVICES,
  type ServiceName,
} from './plan.ts'
import type { CloudSecrets } from './secrets.ts'

const HEADER = /^# Written by baton up \(check ([0-9a-f]{16})\)/

export type ConfigState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ours'; readonly text: string }
  | { readonly kind: 'yours'; readonly text: string; readonly doc: IniDocument }

export type ConfigOutcome = {
  readonly program: ProgramName
  readonly file: string
  readonly action: 'created' | 'updated' | 'unchanged' | 'kept'
  /** For a kept file: the options where it differs from what `up` would have written. */
  readonly differs: readonly string[]
}

function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16)
}

function withHeader(program: ProgramName, body: string): string {
  return (
    `# Written by baton up (check ${checksum(body)}) for ${program}; once you edit this file, ` +
    'baton up keeps it and says how it differs.\n' +
    body
  )
}

function body(text: string): string {
  return text.slice(text.indexOf('\n') + 1)
}

/** Reads each config file and tells baton's own (unedited) files from the user's. */
export function inspectConfigs(dataDir: string): Record<ProgramName, ConfigState> {
  const states = {} as Record<ProgramName, ConfigState>
  for (const program of PROGRAMS) {
    const file = join(dataDir, `${program}.conf`)
    if (!existsSync(file)) {
      states[program] = { kind: 'missing' }
      continue
    }
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new CliError(
        CliErrorCode.ConfigUnreadable,
        `${file} cannot be read (${error instanceof Error ? error.message : error}); fix its ` +
          'permissions, or delete it to have baton up write it again',
      )
    }
    const check = HEADER.exec(text)?.[1]
    if (check !== undefined && check === checksum(body(text))) {
      states[program] = { kind: 'ours', text }
      continue
    }
    try {
      states[program] = { kind: 'yours', text, doc: parseIni(text, file) }
    } catch (error) {
      throw new CliError(
        CliErrorCode.ConfigUnreadable,
        `${error instanceof Error ? error.message : error}; fix ${file}, or delete it to have ` +
          'baton up write it again',
      )
    }
  }
  return states
}

/** `[DEFAULT] port` of each service config the user keeps: the service listens there. */
export function keptServicePorts(
  states: Record<ProgramName, ConfigState>,
): Partial<Record<ServiceName, number>> {
  const ports: Partial<Record<ServiceName, number>> = {}
  for (const service of SERVICES) {
    const state = states[service]
    if (state.kind !== 'yours') continue
    const port = Number(state.doc.sections.DEFAULT?.port?.at(-1))
    if (Number.isInteger(port) && port > 0 && port <= 65535) ports[service] = port
  }
  return ports
}

function optionMap(doc: IniDocument): Map<string, string> {
  const map = new Map<string, string>()
  for (const [section, keys] of Object.entries(doc.sections)) {
    for (const [key, values] of Object.entries(keys))
      map.set(`[${section}] ${key}`, values.join('\n'))
  }
  return map
}

/** The options where `yours` differs from `planned` (names only: values may be passwords). */
export function differingOptions(yours: IniDocument, planned: IniDocument): string[] {
  const mine = optionMap(yours)
  const theirs = optionMap(planned)
  const differs: string[] = []
  for (const [name, value] of theirs) {
    const own = mine.get(name)
    if (own === undefined) differs.push(`${name} (not in yours)`)
    else if (own !== value) differs.push(name)
  }
  for (const name of mine.keys()) if (!theirs.has(name)) differs.push(`${name} (only in yours)`)
  return differs
}

/** Creates missing configs, rewrites baton's own when the plan moved, keeps the user's. */
export function writeCloudConfigs(
  plan: CloudPlan,
  secrets: CloudSecrets,
  states: Record<ProgramName, ConfigState> = inspectConfigs(plan.dataDir),
): ConfigOutcome[] {
  return PROGRAMS.map((program) => {
    const file = configPath(plan, program)
    const planned = withHeader(program, renderConfig(plan, secrets, program))
    const state = states[program]
    if (state.kind === 'yours') {
      const differs = differingOptions(state.doc, parseIni(planned, file))
      return { program, file, action: 'kept', differs }
    }
    if (state.kind === 'ours' && state.text === planned) {
      return { program, file, action: 'unchanged', differs: [] }
    }
    writeFileSync(file, planned, { mode: 0o600 })
    return { program, file, action: state.kind === 'missing' ? 'created' : 'updated', differs: [] }
  })
}
