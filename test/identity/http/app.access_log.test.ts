import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups } from '@baton/identity'
import { buildIdentityApp } from '../../../packages/identity/src/http/app.ts'

/** pino writes the file asynchronously: wait (bounded) until `count` lines are there. */
async function linesWritten(file: string, count: number): Promise<string> {
  let text = ''
  for (let i = 0; i < 100; i++) {
    text = existsSync(file) ? readFileSync(file, 'utf8') : ''
    if (text.split('\n').length > count) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return text
}

test('one access line per request, with status and time, and no credential in it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-access-log-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'identity.log')
  const config = loadConfig({ files: [], groups: identityOptionGroups })
  const app = buildIdentityApp({
    config,
    logger: { level: 'info', file },
    routes: (instance) => {
      instance.post('/v3/echo', async (request) => ({ received: request.body ?? null }))
      instance.get('/v3/boom', async () => {
        throw new Error('boom')
      })
    },
  })
  await app.inject({
    method: 'POST',
    url: '/v3/echo',
    headers: { 'x-auth-token': 'gAAAA-caller-secret', 'x-subject-token': 'gAAAA-subject-secret' },
    payload: { password: 'hunter2' },
  })
  await app.inject({ url: '/v3/nowhere', headers: { authorization: 'Basic c2VjcmV0' } })
  const boom = await app.inject({ url: '/v3/boom' })
  await app.close()

  const text = await linesWritten(file, 4)
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  const access = lines.filter((line) => line.msg === 'request completed')
  assert.equal(access.length, 3, text)
  assert.equal(lines.filter((line) => line.msg === 'incoming request').length, 0)
  assert.deepEqual(
    access.map((line) => [
      (line.req as { method: string; url: string }).url,
      (line.res as { statusCode: number }).statusCode,
      typeof line.responseTime,
      typeof line.reqId,
    ]),
    [
      ['/v3/echo', 200, 'number', 'string'],
      ['/v3/nowhere', 404, 'number', 'string'],
      ['/v3/boom', 500, 'number', 'string'],
    ],
  )
  // The request's own logger (built lazily) still binds the request id the access line carries.
  const failure = lines.find((line) => line.msg === 'unexpected error')
  assert.ok(failure, text)
  assert.equal(failure.reqId, boom.headers['x-openstack-request-id'])
  assert.equal(access[2]?.reqId, failure.reqId)
  for (const secret of ['caller-secret', 'subject-secret', 'hunter2', 'c2VjcmV0']) {
    assert.ok(!text.includes(secret), `${secret} reached the log`)
  }
})
