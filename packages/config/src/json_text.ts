/**
 * JSON request bodies read strictly, for every Baton HTTP server (identity and the reference
 * services): bytes that are not UTF-8 are refused rather than turned into U+FFFD, and nesting past
 * a limit is refused on the text, before JSON.parse or any recursive code sees the value.
 * @module
 */

/**
 * Deeper request bodies than this are refused like invalid JSON, by identity and by the reference
 * services alike. Python's json module gives up near its recursion limit (~1000) and Keystone
 * answers with a 500; Baton's own limit is lower so that validating, storing and echoing a value
 * (recursive code) can never exhaust the stack. The body object itself is level 1.
 */
export const MAX_BODY_DEPTH = 256

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The body as text, or undefined when its bytes are not UTF-8. */
export function decodeUtf8Strict(body: Buffer | string): string | undefined {
  if (typeof body === 'string') return body
  try {
    return utf8.decode(body)
  } catch {
    return undefined
  }
}

/** JSON.parse of `text`, or undefined when it is not JSON or nests deeper than `maxDepth`. */
export function parseJsonWithin(text: string, maxDepth: number): unknown {
  if (nestingExceeds(text, maxDepth)) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d

/**
 * Whether brackets outside strings nest deeper than `limit` (the outermost value is level 1): one
 * linear pass with a counter, so this check cannot overflow the stack. Malformed text is left to
 * JSON.parse.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}
