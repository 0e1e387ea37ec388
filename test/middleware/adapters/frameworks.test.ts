/**
 * The same middleware behind Express and fastify (real servers on loopback): rejections, identity
 * headers, the typed identity object, forged headers stripped, and the challenge on the app's 401s.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import express from 'express'
import Fastify from 'fastify'
import {
  type AuthToken,
  createAuthToken,
  expressAuthToken,
  fastifyAuthToken,
  identityOf,
} from '../../../packages/middleware/src/index.ts'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import { call, UNAUTHORIZED } from '../support.ts'

let identity: TestIdentity
let auth: AuthToken
/** Routes count their runs: a rejected request must never reach one. */
let routeRuns = 0
const closers: (() => Promise<void>)[] = []

before(async () => {
  identity = await startTestIdentity()
  auth = createAuthToken({
    options: identity.authtokenOptions(),
    clock: identity.clock,
    logger: {},
  })
})
after(async () => {
  for (const close of closers) await close()
  await auth?.close()
  await identity?.close()
})

async function expressApp(): Promise<string> {
  const app = express()
  app.use(expressAuthToken(auth))
  app.get('/whoami', (req, res) => {
    routeRuns++
    const who = identityOf(req)
    res.json({
      user: who?.user?.userName,
      roles: req.headers['x-roles'],
      forged: req.headers['x-user-id'] === 'evil',
    })
  })
  app.get('/denied', (_req, res) => {
    res.status(401).json({})
  })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function fastifyApp(): Promise<string> {
  const app = Fastify()
  const hooks = fastifyAuthToken(auth)
  app.addHook('onRequest', hooks.onRequest)
  app.addHook('onSend', hooks.onSend)
  app.get('/whoami', async (request) => {
    routeRuns++
    const who = identityOf(request)
    return {
      user: who?.user?.userName,
      roles: request.headers['x-roles'],
      forged: request.headers['x-user-id'] === 'evil',
      raw: identityOf(request.raw) === who,
    }
  })
  app.get('/denied', async (_request, reply) => reply.code(401).send({}))
  await app.listen({ host: '127.0.0.1', port: 0 })
  closers.push(() => app.close())
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

for (const [name, start] of [
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const) {
  test(`${name}: rejects without a valid token, with Keystone's body and challenge`, async () => {
    const url = await start()
    const before = routeRuns
    for (const headers of [{}, { 'X-Auth-Token': 'garbage' }]) {
      const res = await call(url, headers, '/whoami')
      assert.equal(res.status, 401)
      assert.deepEqual(JSON.parse(res.body), UNAUTHORIZED)
      assert.equal(res.headers.get('www-authenticate'), `Keystone uri="${identity.url}/v3"`)
    }
    assert.equal(routeRuns, before, 'the route never ran for a rejected request')
  })

  test(`${name}: a valid token reaches the route with headers and the identity object`, async () => {
    const url = await start()
    const token = await identity.token(identity.users.alice)
    const res = await fetch(`${url}/whoami`, {
      headers: { 'X-Auth-Token': token, 'X-User-Id': 'evil' },
    })
    assert.equal(res.status, 200)
    const body = (await res.json()) as Record<string, unknown>
    assert.equal(body.user, 'alice')
    assert.match(String(body.roles), /member/)
    assert.equal(body.forged, false)
    if (name === 'fastify') assert.equal(body.raw, true)
    const denied = await call(url, { 'X-Auth-Token': token }, '/denied')
    assert.equal(denied.status, 401)
    assert.equal(denied.headers.get('www-authenticate'), `Keystone uri="${identity.url}/v3"`)
  })
}
