/**
 * YAML policy files, read as oslo.policy reads them (PyYAML's `yaml.safe_load`): the `yaml` package
 * in YAML 1.1 mode parses (wrapped and block scalars, indented documents, anchors, comments; a
 * repeated key keeps its first place and its last value, as a Python dict does), and on top of it
 * Baton insists that the document is a mapping of strings to strings, naming the line of the first
 * entry that is not: a rule PyYAML reads as a number, a boolean, null or a date is never guessed at.
 * Golden-tested against PyYAML (test/identity/policy/fixtures/generate_yaml_golden.py).
 * @module
 */
import {
  CST,
  type Document,
  isMap,
  isScalar,
  Lexer,
  LineCounter,
  type Node,
  parseAllDocuments,
  Scalar,
  type ScalarTag,
  type Tags,
  visit,
  type YAMLError,
} from 'yaml'

export interface YamlProblem {
  /** 1-based; undefined when the problem is the whole document. */
  readonly line: number | undefined
  readonly message: string
}

export type YamlResult =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly problem: YamlProblem }

/*
 * PyYAML's implicit resolvers (yaml/resolver.py) where they are narrower than the `yaml` package's
 * YAML 1.1 schema: `y`/`n` are strings, `09` is a string, an exponent needs a dot and a sign.
 * Only the string-or-not decision matters here: every non-string is refused.
 */
const INT = 'tag:yaml.org,2002:int'
const FLOAT = 'tag:yaml.org,2002:float'
const BOOL = 'tag:yaml.org,2002:bool'
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/
const PY_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/
const PY_FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/
const NEVER = /$^/

/** The schema's tags with PyYAML's tests for booleans, decimal integers and plain floats. */
function pyyamlTags(tags: Tags): Tags {
  return tags.map((tag) => {
    const t = tag as ScalarTag
    if (t.test === undefined) return tag
    if (t.tag === BOOL) return { ...t, test: t.test.test('true') ? PY_TRUE : PY_FALSE }
    if (t.tag === INT && t.format === undefined) return { ...t, test: PY_DECIMAL }
    if (t.tag === FLOAT && t.format === 'EXP') return { ...t, test: NEVER }
    if (t.tag === FLOAT && t.format === undefined && !t.test.test('.inf')) {
      return { ...t, test: PY_FLOAT }
    }
    return tag
  })
}

/** PyYAML's `safe_load`: YAML 1.1 scalars (yes/no, 010, 1:30, dates), merge keys, last key wins. */
const PYYAML = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  prettyErrors: true,
  customTags: pyyamlTags,
} as const

/** Parses a policy file's text as PyYAML would, then checks it holds only string rules. */
export function parsePolicyYaml(source: string): YamlResult {
  // PyYAML reads CR LF, a lone CR and NEL as one line break each, and keeps them as "\n".
  const text = source.replace(/\r\n|[\r\x85]/g, '\n')
  const lines = new LineCounter()
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : lines.linePos(offset).line
  const parsed = parseAllDocuments(text, { ...PYYAML, lineCounter: lines })
  const docs = Array.isArray(parsed) ? parsed : []
  if (docs.length > 1) {
    return problem(lineOf(docs[1]?.range[0]), 'a second YAML document ("---"); PyYAML refuses it')
  }
  const doc = docs[0]
  if (doc === undefined) return { ok: true, entries: new Map() }
  const error = [...doc.errors, ...doc.warnings].find((e) => !isCommentAfterToken(e))
  if (error !== undefined) return problem(error.linePos?.[0].line, yamlMessage(error))
  const tab = tabOutsideQuotes(text)
  if (tab !== undefined) {
    return problem(
      lineOf(tab),
      'a tab outside quotes (PyYAML refuses tabs in indentation, around ":" and in unquoted ' +
        'values); use spaces, or quote the value',
    )
  }
  const unloadable = toPyyaml(doc, text)
  if (unloadable !== undefined) return problem(lineOf(unloadable.at), unloadable.message)
  const contents = doc.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { ok: true, entries: new Map() }
  }
  if (!isMap(contents)) {
    return problem(lineOf(contents.range?.[0]), 'the document must be a mapping of rule names')
  }
  // Where the entry that supplies each final value is (a repeated key: its last occurrence).
  const where = new Map<unknown, number | undefined>()
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key
    const value = pair.value as Node | null
    where.set(key, lineOf(value?.range?.[0] ?? (pair.key as Node | null)?.range?.[2]))
  }
  let data: Map<unknown, unknown>
  try {
    data = doc.toJS({ mapAsMap: true, maxAliasCount: 10_000 }) as Map<unknown, unknown>
  } catch (err) {
    // an alias bomb, a merge of something that is not a mapping
    return problem(undefined, err instanceof Error ? err.message : String(err))
  }
  const entries = new Map<string, string>()
  for (const [key, value] of data) {
    const line = where.get(key)
    if (typeof key !== 'string') {
      return problem(line, `the rule name ${describe(key)} is ${kind(key)}, not a string; quote it`)
    }
    if (value === null) {
      return problem(
        line,
        `rule ${JSON.stringify(key)} has no value (YAML reads it as null); write "" for "always"`,
      )
    }
    if (typeof value !== 'string') {
      return problem(
        line,
        `rule ${JSON.stringify(key)}: YAML reads the value as ${kind(value)}, not a check string; quote it`,
      )
    }
    entries.set(key, value)
  }
  return { ok: true, entries }
}

function problem(line: number | undefined, message: string): YamlResult {
  return { ok: false, problem: { line, message } }
}

/** The library's message without its own position suffix and source excerpt. */
function yamlMessage(error: YAMLError): string {
  const first = error.message.split('\n')[0] ?? error.message
  return first.replace(/ at line \d+, column \d+:?$/, '')
}

type Unloadable = { readonly at: number | undefined; readonly message: string }

/**
 * Where PyYAML and the `yaml` package still read a node differently: what PyYAML cannot load is
 * returned as a problem; what it loads differently is changed in place.
 */
function toPyyaml(doc: Document, text: string): Unloadable | undefined {
  let found: Unloadable | undefined
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined
      found = { at: node.range?.[0], message: `the alias *${node.source} has no anchor before it` }
      return visit.BREAK
    },
    Scalar(key, node) {
      const plain = node.type === Scalar.PLAIN && node.tag === undefined
      if (plain && (node.source === '=' || (node.source === '<<' && key !== 'key'))) {
        const what = node.source === '=' ? 'value' : 'merge'
        found = {
          at: node.range?.[0],
          message: `PyYAML cannot load an unquoted "${node.source}" (YAML 1.1's ${what} key); quote it`,
        }
        return visit.BREAK
      }
      // `!` on an empty scalar is null to PyYAML, "" to the `yaml` package
      if (node.tag === '!' && node.source === '') node.value = null
      // a block scalar that ends the file without a line break keeps none (PyYAML), not one
      const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED
      if (block && node.range?.[1] === text.length && !text.endsWith('\n')) {
        if (typeof node.value === 'string') node.value = node.value.replace(/\n$/, '')
      }
      return undefined
    },
  })
  return found
}

/** PyYAML reads a `#` right after a quoted scalar or a flow indicator as a comment. */
function isCommentAfterToken(error: YAMLError): boolean {
  return error.code === 'MISSING_CHAR' && error.message.startsWith('Comments must be separated')
}

/** The first tab PyYAML's scanner refuses: anywhere but in quoted or block scalars and comments. */
function tabOutsideQuotes(text: string): number | undefined {
  let offset = 0
  let afterMarker = false
  let blockHeader = false
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token)
    if (type === 'doc-mode' || type === 'flow-error-end' || type === 'scalar') {
      afterMarker = type === 'scalar'
      continue
    }
    const content = afterMarker
    afterMarker = false
    if (type === 'block-scalar-header') blockHeader = true
    else if (content && blockHeader) blockHeader = false
    else if ((content || type === 'space') && token.includes('\t')) {
      return offset + token.indexOf('\t')
    }
    offset += token.length
  }
  return undefined
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return 'a boolean'
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number'
  if (value instanceof Date) return 'a timestamp'
  if (Array.isArray(value) || value instanceof Set) return 'a list'
  return 'a mapping'
}

function describe(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}
