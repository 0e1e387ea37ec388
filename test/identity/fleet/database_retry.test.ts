/**
 * An identity node whose database is unreachable at start retries (`[database] max_retries`,
 * waits doubling from 0.5 s up to `retry_interval`), saying so each time, then refuses to start
 * with one line that names the (redacted) database, never its password.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { createIdentityServer, identityOptionGroups } from '../../../packages/identity/src/index.ts'
import { freePort } from '../../support/servers.ts'

test('an unreachable database: retries with backoff, then one line', async () => {
  const port = await freePort() // nothing listens there
  const config = loadConfig({
    groups: identityOptionGroups,
    overrides: {
      database: {
        connection: `postgresql://baton:s3cret@127.0.0.1:${port}/identity`,
        max_retries: '2',
        retry_interval: '1',
      },
      fernet_tokens: { key_store: 'database' },
    },
  })
  const warnings: string[] = []
  const original = console.error
  console.error = (message: unknown) => warnings.push(String(message))
  try {
    await assert.rejects(createIdentityServer(config), (error: Error) => {
      assert.match(error.message, /unreachable \(ECONNREFUSED\) after 3 attempts/)
      assert.doesNotMatch(error.message, /s3cret/)
      assert.equal(error.message.split('\n').length, 1)
      return true
    })
  } finally {
    console.error = original
  }
  assert.deepEqual(
    warnings.map((line) => line.replace(/.*(retry \d of \d in [\d.]+ s)$/, '$1')),
    ['retry 1 of 2 in 0.5 s', 'retry 2 of 2 in 1 s'],
  )
})
