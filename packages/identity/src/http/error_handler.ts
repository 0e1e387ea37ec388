/**
 * The one place errors become responses: Keystone's `{"error": {"code", "title", "message"}}`
 * for registry errors, schema failures, framework errors and bugs alike. Handlers only throw.
 * 5xx bodies never carry details; the details go to the log (without secrets).
 * @module
 */
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  HeadersTooLarge,
  KeystoneError,
  keystoneErrorBody,
  MethodNotAllowed,
  NotFound,
  RequestTimeout,
  RequestTooLarge,
  UnexpectedError,
  ValidationError,
} from '../errors.ts'

export type ErrorRendering = {
  /** Where a 401's `WWW-Authenticate: Keystone uri="..."` points. */
  authenticateUri(request: FastifyRequest): string
}

/**
 * fastify's `frameworkErrors` hook: errors its router raises before any route runs (a malformed
 * URL, a path segment over maxParamLength) get the same Keystone body as everything else.
 */
export function frameworkErrorRenderer(rendering: ErrorRendering) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    send(reply, request, toKeystoneError(error), rendering)
  }
}

/**
 * fastify's `clientErrorHandler`: what node refuses before a request exists (headers over its
 * 16 KB limit, a request or body past the `[http_server]` deadlines, unparsable HTTP) is answered
 * on the raw socket, with Keystone's body, and the connection closed.
 */
export function clientErrorRenderer(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const keystoneError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new RequestTimeout()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new HeadersTooLarge()
        : new ValidationError()
  const body = JSON.stringify(keystoneErrorBody(keystoneError))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${keystoneError.status} ${keystoneError.title}\r\n` +
        'Content-Type: application/json\r\nConnection: close\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

export function registerErrorHandling(app: FastifyInstance, rendering: ErrorRendering): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const keystoneError = toKeystoneError(error)
    if (keystoneError.status >= 500) {
      request.log.error({ err: error }, 'unexpected error')
    }
    send(reply, request, keystoneError, rendering)
  })
  app.setNotFoundHandler((request, reply) => {
    send(reply, request, new NotFound('The resource could not be found.'), rendering)
  })
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  error: KeystoneError,
  rendering: ErrorRendering,
): void {
  if (error.status === 401) {
    reply.header('WWW-Authenticate', `Keystone uri="${rendering.authenticateUri(request)}"`)
  }
  // DatabaseBusy: nothing was written, and a retry a moment later finds the lock free
  if (error.status === 503) reply.header('Retry-After', '1')
  reply.code(error.status).type('application/json').send(keystoneErrorBody(error))
}

/** Maps anything thrown to the registry; unknown errors are 500s whose detail stays in `cause`. */
export function toKeystoneError(error: unknown): KeystoneError {
  if (error instanceof KeystoneError) return error
  if (isFastifyError(error)) {
    if (error.validation !== undefined) return schemaError(error)
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new RequestTooLarge()
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return new ValidationError()
      case 'FST_ERR_BAD_URL':
      case 'FST_ERR_MAX_PARAM_LENGTH':
        // Keystone routes any segment and then finds no such entity
        return new NotFound('The resource could not be found.')
      case 'FST_ERR_METHOD_NOT_ALLOWED':
        return new MethodNotAllowed()
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return new ValidationError()
    }
  }
  return new UnexpectedError(undefined, { cause: error })
}

/** keystone validation.py: "Invalid input for field '<path>': <reason>" (first failure only). */
function schemaError(error: FastifyError): ValidationError {
  const first = error.validation?.[0]
  if (first === undefined) return new ValidationError()
  const missing = first.params.missingProperty
  if (typeof missing === 'string') {
    return new ValidationError(`'${missing}' is a required property`)
  }
  const field = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'request body'
  return new ValidationError(`Invalid input for field '${field}': ${first.message ?? 'invalid'}`)
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
}
