/**
 * The part of YAML that policy files use, read the way PyYAML (`yaml.safe_load`) reads it: one
 * top-level mapping, one `key: value` per line, keys and values double-quoted (with YAML's escapes),
 * single-quoted (`''` is a quote) or plain, `#` comments, blank lines, `---` / `...` markers.
 * That covers what oslopolicy-sample-generator and oslopolicy-policy-generator write and what
 * operators usually type. Anything else (nesting, multi-line scalars, flow collections, anchors,
 * tags, plain values YAML would read as booleans, numbers or null) is refused with the line number
 * rather than guessed at.
 * @module
 */

export interface YamlProblem {
  readonly line: number
  readonly message: string
}

export type YamlResult =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly problem: YamlProblem }

// PyYAML's implicit resolvers (yaml/resolver.py): plain scalars matching these are not strings.
const NOT_STRINGS: readonly (readonly [RegExp, string])[] = [
  [/^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/, 'a boolean'],
  [
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    'a float',
  ],
  [
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    'an integer',
  ],
  [/^(?:~|null|Null|NULL|)$/, 'null'],
  [
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    'a timestamp',
  ],
  [/^(?:<<|=)$/, 'a merge or value key'],
]

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '\\': '\\',
  '/': '/',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
}
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 }
// Characters that cannot start a plain scalar (or start something this subset does not read).
const PLAIN_START = new Set([...'!&*%@`|>[]{},#\'"'])

class LineError extends Error {}

/** Parses `text`; line numbers in problems are 1-based. */
export function parseYamlSubset(text: string): YamlResult {
  const entries = new Map<string, string>()
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/)
  let started = false
  let ended = false
  for (const [index, line] of lines.entries()) {
    try {
      if (/^[ ]*(#.*)?$/.test(line)) continue
      if (ended) throw new LineError('content after the document end marker "..."')
      if (/^---( |$)/.test(line)) {
        if (started) throw new LineError('a second YAML document ("---") is not supported')
        if (!/^---[ ]*(#.*)?$/.test(line)) throw new LineError('content on the "---" line')
        started = true
        continue
      }
      if (/^\.\.\.[ ]*(#.*)?$/.test(line)) {
        ended = true
        continue
      }
      started = true
      if (/^[ \t]/.test(line)) {
        throw new LineError('indented line: nested or multi-line YAML is not supported')
      }
      const [key, rest] = readKey(line)
      const value = readValue(rest)
      entries.delete(key) // a repeated key: the last one wins, as in PyYAML
      entries.set(key, value)
    } catch (error) {
      if (!(error instanceof LineError)) throw error
      return { ok: false, problem: { line: index + 1, message: error.message } }
    }
  }
  return { ok: true, entries }
}

/** The key and what follows its `:` (a space or the end of the line is required after it). */
function readKey(line: string): [string, string] {
  let key: string
  let rest: string
  if (line[0] === '"' || line[0] === "'") {
    ;[key, rest] = readQuoted(line)
    rest = rest.replace(/^ +/, '')
    if (!rest.startsWith(':')) throw new LineError('expected ":" after the quoted key')
    rest = rest.slice(1)
  } else {
    const colon = line.search(/:( |$)/)
    if (colon < 0) throw new LineError('expected a "key: value" line')
    key = line.slice(0, colon).replace(/ +$/, '')
    rest = line.slice(colon + 1)
    checkPlain(key, 'key')
    if (/ #/.test(key)) throw new LineError('a comment inside the key')
  }
  if (rest !== '' && !rest.startsWith(' ')) {
    throw new LineError('a space must follow ":" (a tab is not allowed)')
  }
  return [key, rest]
}

function readValue(rest: string): string {
  const text = rest.replace(/^ +/, '')
  if (text === '' || text.startsWith('#')) {
    throw new LineError('the rule has no value (YAML reads it as null); write "" for "always"')
  }
  if (text[0] === '"' || text[0] === "'") {
    const [value, after] = readQuoted(text)
    if (!/^ *(#.*)?$/.test(after)) throw new LineError('unexpected text after the quoted value')
    return value
  }
  const value = text.replace(/(^| +)#.*$/, '').replace(/ +$/, '')
  checkPlain(value, 'value')
  if (/: |:$/.test(value)) {
    throw new LineError('": " inside an unquoted value (YAML forbids it); quote the value')
  }
  return value
}

function checkPlain(text: string, what: string): void {
  const first = text[0] ?? ''
  if (PLAIN_START.has(first) || /^[-?:]( |$)/.test(text)) {
    throw new LineError(`an unquoted ${what} cannot start with "${first}"; quote it`)
  }
  if (text.includes('\t')) throw new LineError(`a tab inside an unquoted ${what}; quote it`)
  for (const [pattern, kind] of NOT_STRINGS) {
    if (pattern.test(text)) {
      throw new LineError(
        `YAML reads the unquoted ${what} ${JSON.stringify(text)} as ${kind}; quote it`,
      )
    }
  }
}

/** A quoted scalar at the start of `text`, and the text after its closing quote. */
function readQuoted(text: string): [string, string] {
  const quote = text[0]
  let out = ''
  let i = 1
  while (i < text.length) {
    const ch = text[i] as string
    if (quote === "'" && ch === "'") {
      if (text[i + 1] !== "'") return [out, text.slice(i + 1)]
      out += "'"
      i += 2
    } else if (quote === '"' && ch === '"') {
      return [out, text.slice(i + 1)]
    } else if (quote === '"' && ch === '\\') {
      const [decoded, length] = readEscape(text, i + 1)
      out += decoded
      i += 1 + length
    } else {
      out += ch
      i++
    }
  }
  throw new LineError('the quoted scalar does not end on this line (multi-line is not supported)')
}

function readEscape(text: string, at: number): [string, number] {
  const code = text[at]
  if (code === undefined) throw new LineError('a "\\" line continuation is not supported')
  const simple = ESCAPES[code]
  if (simple !== undefined) return [simple, 1]
  const digits = HEX_DIGITS[code]
  if (digits === undefined)
    throw new LineError(`unknown escape "\\${code}" in a double-quoted scalar`)
  const hex = text.slice(at + 1, at + 1 + digits)
  if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) {
    throw new LineError(`"\\${code}" needs ${digits} hexadecimal digits`)
  }
  const point = Number.parseInt(hex, 16)
  if (point > 0x10ffff) throw new LineError(`"\\${code}${hex}" is not a character`)
  return [String.fromCodePoint(point), 1 + digits]
}
