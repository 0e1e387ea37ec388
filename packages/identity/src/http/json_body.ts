/**
 * Request bodies as Keystone reads them (json_body.py): a body, if present, must be JSON sent as
 * `application/json` or with no content type, and must be an object; anything else is a 400
 * with Keystone's messages. This is the one place bodies are decoded, so two limits hold for every
 * route before any code (schema validation, policy, storage, JSON.stringify) walks a body:
 * - bytes that are not UTF-8 are refused, never stored as U+FFFD (Keystone refuses them too);
 * - nesting deeper than MAX_BODY_DEPTH (`@baton/config`) is refused, counted on the text before
 *   JSON.parse.
 * @module
 */
import { decodeUtf8Strict, MAX_BODY_DEPTH, parseJsonWithin } from '@baton/config'
import type { FastifyInstance } from 'fastify'
import { expectingToFind } from '../errors.ts'

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const text = decodeUtf8Strict(body)
    if (text !== undefined && text.trim() === '') {
      done(null, undefined)
      return
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (type !== '' && !isJsonMediaType(type)) {
      done(expectingToFind('application/json', 'Content-Type header'), undefined)
      return
    }
    const parsed = text === undefined ? undefined : parseJsonWithin(text, MAX_BODY_DEPTH)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      done(expectingToFind('valid JSON', 'request body'), undefined)
      return
    }
    done(null, parsed)
  })
}

/** werkzeug is_json: application/json or any application/*+json. */
function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type)
}
