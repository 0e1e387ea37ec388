#!/usr/bin/env node
/**
 * `baton serve echo` without the guard: the same node:http echo of the identity headers, so the
 * middleware section compares the guarded service with exactly what it guards. The header list is
 * the one serve_echo.ts echoes (kept in step by hand; the requests carry none of them anyway).
 * @module
 */
import { createServer } from 'node:http'

const ECHOED_HEADERS = [
  'x-identity-status',
  'x-service-identity-status',
  'x-user-id',
  'x-user-name',
  'x-user-domain-id',
  'x-user-domain-name',
  'x-project-id',
  'x-project-name',
  'x-project-domain-id',
  'x-project-domain-name',
  'x-domain-id',
  'x-domain-name',
  'x-roles',
  'x-is-admin-project',
  'openstack-system-scope',
  'x-service-user-id',
  'x-service-user-name',
  'x-service-user-domain-id',
  'x-service-user-domain-name',
  'x-service-project-id',
  'x-service-project-name',
  'x-service-project-domain-id',
  'x-service-project-domain-name',
  'x-service-domain-id',
  'x-service-domain-name',
  'x-service-roles',
]

function echo(req, res) {
  const identity = {}
  for (const name of ECHOED_HEADERS) {
    const value = req.headers[name]
    if (typeof value === 'string') identity[name] = value
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ identity }))
}

const server = createServer(echo)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`)
})
process.once('SIGTERM', () => server.close())
