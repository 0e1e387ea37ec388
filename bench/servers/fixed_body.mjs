#!/usr/bin/env node
/**
 * The ceiling for HTTP validation: a bare node:http server answering every request with one fixed
 * body (the identity server's own validation answer, read from the file named in argv[2]), with
 * the same content type. Nothing can answer faster on this machine with node:http.
 * @module
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const body = readFileSync(process.argv[2] ?? '/dev/null')
const server = createServer((_req, res) => {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
  })
  res.end(body)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`)
})
process.once('SIGTERM', () => server.close())
