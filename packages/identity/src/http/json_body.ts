/**
 * Request bodies as Keystone reads them (json_body.py): a body, if present, must be JSON sent as
 * `application/json` or with no content type, and must be an object; anything else is a 400
 * with Keystone's messages. This is the one place bodies are decoded, so two limits hold for every
 * route before any code (schema validation, policy, storage, JSON.stringify) walks a body:
 * - bytes that are not UTF-8 are refused, never stored as U+FFFD (Keystone refuses them too);
 * - nesting deeper than MAX_BODY_DEPTH is refused, counted on the text before JSON.parse.
 * @module
 */
import type { FastifyInstance } from 'fastify'
import { expectingToFind } from '../errors.ts'

/**
 * Deeper bodies than this are refused like invalid JSON. Python's json module gives up near
 * its recursion limit (~1000) and Keystone answers with a 500; Baton's own limit is lower so
 * that validating, storing and echoing a value (recursive code) can never exhaust the stack.
 * The body object itself is level 1.
 */
export const MAX_BODY_DEPTH = 256

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const text = decode(body)
    if (text !== undefined && text.trim() === '') {
      done(null, undefined)
      return
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (type !== '' && !isJsonMediaType(type)) {
      done(expectingToFind('application/json', 'Content-Type header'), undefined)
      return
    }
    let parsed: unknown
    try {
      parsed =
        text === undefined || nestingExceeds(text, MAX_BODY_DEPTH) ? undefined : JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      done(expectingToFind('valid JSON', 'request body'), undefined)
      return
    }
    done(null, parsed)
  })
}

/** The body as text, or undefined when its bytes are not UTF-8. */
function decode(body: Buffer | string): string | undefined {
  if (typeof body === 'string') return body
  try {
    return utf8.decode(body)
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
 * Whether brackets outside strings nest deeper than `limit`: one linear pass with a counter, so
 * neither this check nor anything after it can overflow the stack. Malformed text is left to
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

/** werkzeug is_json: application/json or any application/*+json. */
function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type)
}
