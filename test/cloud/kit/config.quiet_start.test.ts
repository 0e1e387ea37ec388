/**
 * A service started from a kolla-style nova.conf (nova's sections, oslo's, [keystone_authtoken],
 * [service_user]) prints no warning and one summary line for the options OpenStack declares that
 * Baton does not use; its middleware judges only [keystone_authtoken]; a typo there warns once
 * (not once from the service and again from the middleware); `log_file` takes the lines.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { computeService } from '../../../packages/cloud/src/index.ts'
import { buildService } from '../../../packages/cloud/src/kit/service_app.ts'
import { createAuthToken } from '../../../packages/middleware/src/index.ts'

const NOVA_CONF = new URL('../../config/fixtures/kolla/nova.conf', import.meta.url).pathname

async function start(files: string[], env: Record<string, string> = {}): Promise<string[]> {
  const lines: string[] = []
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-quiet-'))
  const runtime = await buildService(computeService, {
    configFiles: files,
    // the fixture logs under /var/log/kolla; data lives in a scratch directory
    env: { OS_DEFAULT__DATA_DIR: dataDir, OS_DEFAULT__LOG_DIR: '', ...env },
    log: (line) => lines.push(line),
  })
  await runtime.close()
  return lines
}

test('a kolla nova.conf: no warning, one summary line', async () => {
  const lines = await start([NOVA_CONF])
  assert.deepEqual(
    lines.filter((l) => l.includes('warning')),
    [],
  )
  const summary = lines.filter((l) => l.includes("OpenStack's but not used by Baton"))
  assert.equal(summary.length, 1)
  assert.match(summary[0] as string, /^baton compute: \d+ options set .*\(nova \d+, /)
})

test('the middleware reading a nova.conf judges only [keystone_authtoken]', async () => {
  const warnings: string[] = []
  const auth = createAuthToken({
    configFiles: [NOVA_CONF],
    logger: { warn: (m) => warnings.push(m) },
  })
  await auth.close()
  assert.deepEqual(warnings, [])
})

test('a typo in [keystone_authtoken] warns once, with a did-you-mean', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-quiet-'))
  const extra = join(dir, 'typo.conf')
  writeFileSync(extra, '[keystone_authtoken]\nservice_token_role = service\n')
  const lines = await start([NOVA_CONF, extra])
  const warnings = lines.filter((l) => l.includes('warning'))
  assert.deepEqual(warnings, [
    `baton compute: warning: ${extra}:2: [keystone_authtoken] service_token_role: unknown option, ignored (did you mean service_token_roles?)`,
  ])
})

test('[DEFAULT] log_file takes the service’s lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-quiet-'))
  const logFile = join(dir, 'compute.log')
  const extra = join(dir, 'typo.conf')
  writeFileSync(extra, '[api]\nuse_forwarded_for = true\n[DEFAULT]\nnot_an_option = 1\n')
  const lines = await start([NOVA_CONF, extra], { OS_DEFAULT__LOG_FILE: logFile })
  assert.deepEqual(lines, [])
  const logged = readFileSync(logFile, 'utf8')
  assert.match(logged, /baton compute: warning: .*\[DEFAULT\] not_an_option: unknown option/)
  assert.match(logged, /OpenStack's but not used by Baton/)
})
