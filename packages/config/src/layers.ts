/**
 * The places a value can come from, in oslo.config's lookup order: overrides (oslo's command line),
 * then `OS_<GROUP>__<OPTION>` environment variables, then config files (the newest file that sets
 * the option wins; multiStr values from every file accumulate, oldest first).
 * @module
 */
import { readFileSync } from 'node:fs'
import { ConfigError, ConfigErrorCode } from './errors.ts'
import { normalizeGroupName } from './groups.ts'
import { type IniDocument, parseIni } from './ini_parser.ts'

export interface FileValue {
  readonly value: string
  readonly path: string
  readonly line: number
  /** The `[group] name` it was written under when that is a deprecated name. */
  readonly deprecated?: { readonly group: string; readonly name: string }
}

export interface FileLayer {
  readonly doc: IniDocument
  /** Normalized group name, then key, then every value in file order. */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, readonly FileValue[]>>
}

/** One (group, name) under which an option may be written; the first is its current name. */
export interface LookupName {
  readonly group: string
  readonly name: string
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Reads and parses one file; a missing, unreadable or non-UTF-8 file is a `BATON_CONFIG_FILE`. */
export function readLayer(path: string): FileLayer {
  let text: string
  try {
    text = UTF8.decode(readFileSync(path))
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const why =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : err instanceof TypeError
              ? 'not valid UTF-8'
              : `unreadable (${String(code ?? err)})`
    throw new ConfigError(ConfigErrorCode.File, `config file ${path}: ${why}`, { cause: err })
  }
  return layerOf(parseIni(text, path))
}

export function layerOf(doc: IniDocument): FileLayer {
  const values = new Map<string, Map<string, FileValue[]>>()
  for (const entry of doc.entries) {
    const group = normalizeGroupName(entry.section)
    const keys = values.get(group) ?? new Map<string, FileValue[]>()
    values.set(group, keys)
    const list = keys.get(entry.key) ?? []
    list.push({ value: entry.value, path: doc.source, line: entry.line })
    keys.set(entry.key, list)
  }
  return { doc, values }
}

/**
 * `_Namespace._get_file_value`: newest file first; a single-valued option takes the last value under
 * the first name found in the newest file that sets one; multiStr gathers every file, oldest first,
 * and within a file deprecated names come before the current one (oslo prepends as it goes).
 */
export function fileValues(
  layers: readonly FileLayer[],
  names: readonly LookupName[],
  multi: boolean,
): FileValue[] | undefined {
  let gathered: FileValue[] = []
  let found = false
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as FileLayer
    for (const [index, { group, name }] of names.entries()) {
      const values = layer.values.get(normalizeGroupName(group))?.get(name)
      if (values === undefined) continue
      const tagged =
        index === 0 ? values : values.map((v) => ({ ...v, deprecated: { group, name } }))
      if (!multi) return [tagged[tagged.length - 1] as FileValue]
      gathered = [...tagged, ...gathered]
      found = true
    }
  }
  return found ? gathered : undefined
}

/** `EnvironmentConfigurationSource.get_name`: the group as declared, upper-cased. */
export function envName(group: string, name: string): string {
  return `OS_${group.toUpperCase()}__${name.toUpperCase()}`
}
