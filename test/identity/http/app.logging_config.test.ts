/**
 * oslo.log's options drive the identity server's log as they drive Keystone's: `debug = true`
 * lowers the level to debug, `log_file` (relative to `log_dir`) or `log_dir` alone (baton-identity.log)
 * move it to a file, `use_json = false` writes oslo-style text lines instead of JSON.
 * @module
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityLogger, identityOptionGroups } from '@baton/identity'
import { buildIdentityApp } from '../../../packages/identity/src/http/app.ts'
import { textLine } from '../../../packages/identity/src/http/text_log.ts'

/** pino writes the file asynchronously: wait (bounded) until a line matches. */
async function logged(file: string, pattern: RegExp): Promise<string> {
  let text = ''
  for (let i = 0; i < 100 && !pattern.test(text); i++) {
    text = existsSync(file) ? readFileSync(file, 'utf8') : ''
    if (!pattern.test(text)) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return text
}

function scratch(t: { after(fn: () => void): void }, conf: string) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-logging-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'keystone.conf')
  writeFileSync(path, conf.replaceAll('$DIR', dir))
  return { dir, config: loadConfig({ files: [path], groups: identityOptionGroups }) }
}

test('defaults: info level, standard output, JSON lines', () => {
  const config = loadConfig({ files: [], groups: identityOptionGroups })
  assert.deepEqual(identityLogger(config), { level: 'info', json: true })
})

test('debug = true and log_file take effect: debug lines land in the file', async (t) => {
  const { dir, config } = scratch(t, '[DEFAULT]\ndebug = true\nlog_file = $DIR/keystone.log\n')
  const logger = identityLogger(config)
  assert.deepEqual(logger, { level: 'debug', file: join(dir, 'keystone.log'), json: true })
  const app = buildIdentityApp({
    config,
    logger,
    routes: (instance) => {
      instance.get('/v3/probe', async (request) => {
        request.log.debug('probe reached')
        return {}
      })
    },
  })
  assert.equal(app.log.level, 'debug')
  await app.inject({ url: '/v3/probe' })
  await app.close()
  const text = await logged(join(dir, 'keystone.log'), /request completed/)
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: number; msg: string })
  assert.ok(
    lines.some((l) => l.level === 20 && l.msg === 'probe reached'),
    text,
  )
  assert.ok(
    lines.some((l) => l.level === 30 && l.msg === 'request completed'),
    text,
  )
})

test('without debug, debug lines are dropped', async (t) => {
  const { dir, config } = scratch(t, '[DEFAULT]\nlog_file = $DIR/keystone.log\n')
  const app = buildIdentityApp({
    config,
    logger: identityLogger(config),
    routes: (instance) => {
      instance.get('/v3/probe', async (request) => {
        request.log.debug('probe reached')
        return {}
      })
    },
  })
  await app.inject({ url: '/v3/probe' })
  await app.close()
  const text = await logged(join(dir, 'keystone.log'), /request completed/)
  assert.doesNotMatch(text, /probe reached/)
})

test('log_dir: a relative log_file is inside it; alone it means <log_dir>/baton-identity.log', (t) => {
  const both = scratch(t, '[DEFAULT]\nlog_dir = $DIR/logs\nlog_file = keystone.log\n')
  assert.equal(identityLogger(both.config).file, join(both.dir, 'logs', 'keystone.log'))
  const dirOnly = scratch(t, '[DEFAULT]\nlog_dir = $DIR/logs\n')
  assert.equal(identityLogger(dirOnly.config).file, join(dirOnly.dir, 'logs', 'baton-identity.log'))
  const absolute = scratch(t, '[DEFAULT]\nlog_dir = $DIR/logs\nlog_file = /var/log/k.log\n')
  assert.equal(identityLogger(absolute.config).file, '/var/log/k.log')
})

test('use_json = false: oslo-style text lines, still without credentials', async (t) => {
  const { dir, config } = scratch(t, '[DEFAULT]\nuse_json = false\nlog_file = $DIR/k.log\n')
  const app = buildIdentityApp({ config, logger: identityLogger(config) })
  await app.inject({ url: '/v3', headers: { 'x-auth-token': 'gAAAA-secret' } })
  await app.close()
  const text = await logged(join(dir, 'k.log'), /request completed/)
  assert.match(
    text,
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \d+ INFO baton\.identity \[req-[0-9a-f-]{36}\] request completed GET \/v3 200 \d+\.\dms$/m,
  )
  assert.doesNotMatch(text, /gAAAA-secret/)
  assert.equal(textLine('not json', 'x'), 'not json\n')
})
