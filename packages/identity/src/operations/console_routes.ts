/**
 * The operator console (issue 18) at `/console/`: static files bundled at build time
 * (`npm run build` runs scripts/build_console.mjs: packages/identity/console/ to console-dist/),
 * served with a strict Content-Security-Policy (no inline script or style, nothing from elsewhere,
 * never framed). The page logs in against this same server's /v3/auth/tokens and keeps the token
 * in the tab's memory; it reads Baton's JSON APIs (/v3/OS-BATON/keys). Without a built bundle the
 * route answers a plain 503 page naming the build step, never a crash.
 * @module
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** packages/identity/console-dist/, from src/operations/ (tests) and dist/operations/ alike. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console-dist/', import.meta.url))

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
}

/** The files the bundle step writes, and their types; nothing else under /console/ is served. */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
}

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton console unavailable</title></head>
<body><h1>The operator console is not built</h1>
<p>This server has no console bundle (packages/identity/console-dist/). Run <code>npm run build</code>
(or <code>npm ci</code>) in the Baton checkout, then reload.</p></body></html>
`

export function registerConsoleRoutes(app: FastifyInstance, dist: string = CONSOLE_DIST): void {
  const cache = new Map<string, Buffer>()
  const read = (name: string): Buffer | undefined => {
    const cached = cache.get(name)
    if (cached !== undefined) return cached
    try {
      const body = readFileSync(`${dist}${name}`)
      cache.set(name, body)
      return body
    } catch {
      return undefined
    }
  }
  const send = (reply: FastifyReply, name: string) => {
    reply.headers(CONSOLE_HEADERS)
    const body = read(name)
    const type = FILES[name]
    if (type === undefined) return reply.code(404).type('text/plain').send('Not Found')
    if (body === undefined) {
      return reply.code(503).type('text/html; charset=utf-8').send(MISSING_PAGE)
    }
    return reply.type(type).send(body)
  }
  // the server ignores trailing slashes: `/console` is sent to `/console/` so that the page's
  // relative paths (console.js, ../v3/) resolve under it
  app.get('/console/', async (request, reply) => {
    if (!request.url.split('?')[0]?.endsWith('/')) {
      return reply.headers(CONSOLE_HEADERS).redirect('console/', 302)
    }
    return send(reply, 'index.html')
  })
  app.get<{ Params: { file: string } }>('/console/:file', async (request, reply) =>
    send(reply, request.params.file),
  )
}
