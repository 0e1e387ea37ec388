/**
 * Python's string primitives as oslo.config uses them: `str.strip()` (its whitespace set differs from
 * JavaScript's `trim()`), universal-newline line splitting and `str.splitlines()` (`str()`/`repr()`: `py_repr.ts`).
 * @module
 */

/** Python's `str.isspace()` set: adds \x1c-\x1f and \x85 to JS whitespace, lacks U+FEFF. */
const WS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING = new RegExp(`^[${WS}]+`)
const TRAILING = new RegExp(`[${WS}]+$`)
const ONLY_WS = new RegExp(`^[${WS}]*$`)

export function pyStrip(s: string): string {
  return pyRstrip(pyLstrip(s))
}

export function pyLstrip(s: string): string {
  return s.replace(LEADING, '')
}

export function pyRstrip(s: string): string {
  return s.replace(TRAILING, '')
}

export function isPyBlank(s: string): boolean {
  return ONLY_WS.test(s)
}

/** Lines as Python's text-mode `open()` + `readlines()` yield them: \r\n, \r and \n all end a line. */
export function universalLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/)
  // a trailing newline does not start another (empty) line
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: \x1c-\x1e end lines in Python's splitlines()
const SPLITLINES = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/

/** Python's `str.splitlines()` (no line ends kept). */
export function pySplitlines(text: string): string[] {
  const lines = text.split(SPLITLINES)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}
