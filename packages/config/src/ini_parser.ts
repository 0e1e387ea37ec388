/**
 * The INI dialect of oslo.config (a port of `oslo_config.iniparser.BaseParser` and
 * `cfg.ConfigParser`): full-line `#`/`;` comments only, keys split at the first `=` or `:`, one pair
 * of matching quotes stripped, indented lines continue a value, repeated keys keep every value.
 * @module
 */
import { ConfigError, ConfigErrorCode } from './errors.ts'
import { pyLstrip, pyRstrip, pyStrip, universalLines } from './py_text.ts'

/** One `key = value` assignment, after continuation lines are joined. */
export interface IniEntry {
  /** The section name exactly as written between the brackets. */
  readonly section: string
  readonly key: string
  readonly value: string
  /** 1-based line of the key. */
  readonly line: number
}

export interface IniDocument {
  /** Where the text came from (a path), used in messages. */
  readonly source: string
  /** Raw section name, then key, then every value in file order (oslo's `ConfigParser.sections`). */
  readonly sections: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>
  /** Every assignment in file order. */
  readonly entries: readonly IniEntry[]
}

interface Pending {
  readonly key: string
  readonly parts: string[]
  readonly line: number
}

/** Parses oslo.config INI text. Throws `ConfigError` (`BATON_CONFIG_PARSE`) naming source and line. */
export function parseIni(text: string, source = '<string>'): IniDocument {
  const sections: Record<string, Record<string, string[]>> = Object.create(null)
  const entries: IniEntry[] = []
  let section: string | undefined
  let pending: Pending | undefined

  const fail = (lineno: number, message: string): never => {
    throw new ConfigError(ConfigErrorCode.Parse, `${source}:${lineno}: ${message}`)
  }
  const flush = (): void => {
    if (pending === undefined) return
    // oslo reports this at the line that flushes the value; the key's own line is more useful
    if (section === undefined) fail(pending.line, 'Section must be started before assignment')
    const name = section as string
    const { key, parts, line } = pending
    const value = parts.join('\n')
    const keys = sections[name] as Record<string, string[]>
    keys[key] = [...(keys[key] ?? []), value]
    entries.push({ section: name, key, value, line })
    pending = undefined
  }

  const lines = universalLines(text)
  for (let i = 0; i < lines.length; i++) {
    const lineno = i + 1
    const line = pyRstrip(lines[i] as string)
    if (line === '') {
      flush() // a blank line ends a multi-line value
      continue
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (pending === undefined) fail(lineno, 'Unexpected continuation line')
      else pending.parts.push(pyLstrip(line))
      continue
    }
    flush()
    if (line.startsWith('[')) {
      section = sectionName(line, (message) => fail(lineno, message))
      sections[section] ??= Object.create(null)
    } else if (!line.startsWith('#') && !line.startsWith(';')) {
      pending = splitKeyValue(line, lineno, fail)
    }
  }
  flush()
  return { source, sections, entries }
}

function sectionName(line: string, fail: (message: string) => never): string {
  if (!line.endsWith(']')) return fail(`Invalid section (must end with ]): ${JSON.stringify(line)}`)
  if (line.length <= 2) return fail(`Empty section name: ${JSON.stringify(line)}`)
  return line.slice(1, -1)
}

/** The line's text is not echoed: a malformed line may hold a secret. */
function splitKeyValue(
  line: string,
  lineno: number,
  fail: (lineno: number, message: string) => never,
): Pending {
  const colon = line.indexOf(':')
  const equal = line.indexOf('=')
  if (colon < 0 && equal < 0) {
    const bom = line.startsWith('\uFEFF') ? ' (the file starts with a byte-order mark)' : ''
    return fail(lineno, `No ':' or '=' found in assignment${bom}`)
  }
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon
  const key = pyStrip(line.slice(0, at))
  let value = pyStrip(line.slice(at + 1))
  if (
    value !== '' &&
    value[0] === value[value.length - 1] &&
    (value[0] === '"' || value[0] === "'")
  ) {
    value = value.slice(1, -1) // one pair of matching quotes, as oslo does (a lone `"` becomes '')
  }
  if (key === '') return fail(lineno, 'Key cannot be empty')
  return { key, parts: [value], line: lineno }
}
