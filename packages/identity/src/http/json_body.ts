/**
 * Request bodies as Keystone reads them (json_body.py): a body, if present, must be JSON sent as
 * `application/json` or with no content type, and must be an object; anything else is a 400
 * with Keystone's messages.
 * @module
 */
import type { FastifyInstance } from 'fastify'
import { expectingToFind } from '../errors.ts'

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
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
      parsed = JSON.parse(text)
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

/** werkzeug is_json: application/json or any application/*+json. */
function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type)
}
