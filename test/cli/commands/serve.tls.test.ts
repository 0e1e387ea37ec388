/**
 * `[ssl]` (oslo.service's names) read into a server's HTTPS options: nothing set is plain HTTP;
 * a missing file, a file that is not PEM, one of cert_file/key_file alone, or a key that does not
 * belong to the certificate refuse the start with one line naming the option and the file; with
 * ca_file the server demands a client certificate signed by that CA. `baton serve echo` refuses
 * such a config before it listens.
 * @module
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { main } from '../../../packages/cli/src/main.ts'
import { clientTlsFromOptions, Session } from '../../../packages/client/src/index.ts'
import {
  ConfigError,
  createNodeServer,
  serverTlsOptions,
} from '../../../packages/config/src/index.ts'
import { makeTestTls, type TestTls } from '../../support/tls.ts'

let tls: TestTls
before(() => {
  tls = makeTestTls()
})
after(() => tls.close())

function refusal(values: Parameters<typeof serverTlsOptions>[0]): string {
  try {
    serverTlsOptions(values)
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error))
    assert.ok(!error.message.includes('\n'), 'one line')
    return error.message
  }
  assert.fail('expected a refusal')
}

test('nothing set: plain HTTP; cert_file and key_file: HTTPS', () => {
  assert.equal(serverTlsOptions({}), undefined)
  const options = serverTlsOptions({ cert_file: tls.certFile, key_file: tls.keyFile })
  assert.ok(options?.cert.includes('BEGIN CERTIFICATE'))
  assert.equal(options?.requestCert, undefined)
})

test('bad files and a key of another certificate refuse the start, naming option and file', () => {
  assert.equal(
    refusal({ cert_file: '/nonexistent/cert.pem', key_file: tls.keyFile }),
    '[ssl] cert_file /nonexistent/cert.pem: no such file',
  )
  const notPem = join(tls.dir, 'not.pem')
  writeFileSync(notPem, 'hello')
  assert.equal(
    refusal({ cert_file: tls.certFile, key_file: notPem }),
    `[ssl] key_file ${notPem}: not a PEM file`,
  )
  assert.match(
    refusal({ cert_file: tls.certFile }),
    /must specify both \[ssl\] cert_file and key_file/,
  )
  const other = tls.issue('other')
  assert.match(
    refusal({ cert_file: tls.certFile, key_file: other.key }),
    /^\[ssl\] cert_file \S+ and key_file \S+ cannot be used together: .*key values mismatch/,
  )
  assert.match(
    refusal({ ca_file: tls.caFile }),
    /ca_file is set but cert_file and key_file are not/,
  )
})

test('ca_file: the server wants a client certificate signed by that CA', async () => {
  const options = serverTlsOptions({
    cert_file: tls.certFile,
    key_file: tls.keyFile,
    ca_file: tls.caFile,
  })
  const server = createNodeServer(options, {}, (_req, res) => res.end('{}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = tls.issue('client')
  try {
    const without = new Session({ tls: clientTlsFromOptions({ cafile: tls.caFile }, 'x') })
    await assert.rejects(without.request(url, { authenticated: false }))
    const withCert = new Session({
      tls: clientTlsFromOptions(
        { cafile: tls.caFile, certfile: client.cert, keyfile: client.key },
        'x',
      ),
    })
    assert.equal((await withCert.request(url, { authenticated: false })).status, 200)
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

test('baton serve echo refuses a key that does not match its certificate, in one line', async () => {
  const conf = join(tls.dir, 'echo.conf')
  writeFileSync(conf, `[ssl]\ncert_file = ${tls.certFile}\nkey_file = ${tls.issue('x').key}\n`)
  const err: string[] = []
  const status = await main(['serve', 'echo', '--config-file', conf, '--port', '0'], {
    out: () => {},
    err: (line) => err.push(line),
    env: {},
    now: Date.now,
    debug: false,
  })
  assert.equal(status, 1)
  assert.equal(err.length, 1, err.join('\n'))
  assert.match(err[0] ?? '', /\[ssl\] cert_file .* cannot be used together: .*key values mismatch/)
})
