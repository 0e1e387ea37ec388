/**
 * Python's `textwrap.wrap()` with the settings oslo-config-generator uses (`break_long_words=False`,
 * `replace_whitespace=False`, hyphen-aware splitting), so sample configs wrap byte-for-byte alike.
 * @module
 */
import { isPyBlank } from './py_text.ts'

const WS = String.raw`[\t\n\v\f\r ]`
const NWS = String.raw`[^\t\n\v\f\r ]`
const WORD = String.raw`[\p{L}\p{N}_]`
const WORD_PUNCT = String.raw`[\p{L}\p{N}_!"'&.,?]`
const LETTER = String.raw`[\p{L}\p{Nl}\p{No}_]`
// textwrap.TextWrapper.wordsep_re, transcribed (Python's \w and \d are Unicode-aware)
const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=${WORD})` +
    `|${NWS}+?(?:` +
    `-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
    `|(?=${WS}|$)` +
    `|(?<=${WORD_PUNCT})(?=-{2,}${WORD})` +
    '))',
  'u',
)

function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** `str.expandtabs(8)`: the column restarts after \n and \r. */
function expandTabs(text: string): string {
  let out = ''
  let column = 0
  for (const ch of text) {
    if (ch === '\t') {
      const spaces = 8 - (column % 8)
      out += ' '.repeat(spaces)
      column += spaces
    } else {
      out += ch
      column = ch === '\n' || ch === '\r' ? 0 : column + 1
    }
  }
  return out
}

export interface WrapOptions {
  readonly width: number
  readonly initialIndent: string
  readonly subsequentIndent: string
}

/** Wraps one paragraph into lines no longer than `width` (long words stay whole). */
export function wrapText(text: string, options: WrapOptions): string[] {
  const chunks = expandTabs(text)
    .split(WORDSEP)
    .filter((c) => c !== '')
    .reverse()
  const lines: string[] = []
  while (chunks.length > 0) {
    const indent = lines.length > 0 ? options.subsequentIndent : options.initialIndent
    const width = options.width - codePoints(indent)
    const line: string[] = []
    let length = 0
    // whitespace is dropped at the start of every line but the first, as Python does
    if (lines.length > 0 && isPyBlank(chunks[chunks.length - 1] as string)) chunks.pop()
    while (chunks.length > 0) {
      const size = codePoints(chunks[chunks.length - 1] as string)
      if (length + size > width) break
      line.push(chunks.pop() as string)
      length += size
    }
    if (chunks.length > 0 && line.length === 0) {
      line.push(chunks.pop() as string) // a word longer than the line goes on a line of its own
    }
    if (line.length > 0 && isPyBlank(line[line.length - 1] as string)) line.pop()
    if (line.length > 0) lines.push(indent + line.join(''))
  }
  return lines
}
