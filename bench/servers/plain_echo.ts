/**
 * `baton serve echo` without the guard: the very handler serve_echo.ts runs behind the middleware,
 * served bare, so the middleware section compares the guarded service with exactly what it guards.
 * @module
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { echoIdentityHeaders } from '../../packages/cli/src/commands/serve_echo.ts'

const server = createServer(echoIdentityHeaders)
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`)
})
process.once('SIGTERM', () => server.close())
