/**
 * keystoneauth's TLS options on Baton's client and middleware against a real identity on HTTPS:
 * `cafile` trusts the server, no CA or the wrong one is an SslError naming the URL, the reason and
 * the fix (and a 503 with a log line from the middleware), `insecure = true` connects with a
 * warning, a certificate for another host or an expired one is named as such, and a server with
 * `[ssl] ca_file` wants `certfile`/`keyfile`. The test process's own fetch trusts the test CA only
 * while it sets the world up, so the cases see Node's default trust store.
 * @module
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import {
  ConfigurationError,
  ConnectFailure,
  clientTlsFromOptions,
  PasswordAuth,
  Session,
  SslError,
} from '../../packages/client/src/index.ts'
import { call, startGuarded } from '../middleware/support.ts'
import { startTestIdentity, type TestIdentity } from '../support/identity_server.ts'
import { makeTestTls, type TestTls, trustInTests } from '../support/tls.ts'

let tls: TestTls
let identity: TestIdentity
let userToken: string

before(async () => {
  tls = makeTestTls()
  const untrust = trustInTests(tls.caFile)
  try {
    identity = await startTestIdentity({ tls })
    userToken = await identity.token(identity.users.alice)
  } finally {
    await untrust()
  }
})
after(async () => {
  await identity?.close()
  tls.close()
})

function sessionWith(
  values: Parameters<typeof clientTlsFromOptions>[0],
  warn?: (m: string) => void,
) {
  const clientTls = clientTlsFromOptions(values, 'service_user', warn)
  return new Session({
    auth: new PasswordAuth({
      authUrl: `${identity.url}/v3`,
      username: 'svc',
      password: 'pw-svc',
      userDomainId: 'default',
      projectName: 'service',
      projectDomainId: 'default',
    }),
    ...(clientTls === undefined ? {} : { tls: clientTls }),
  })
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (error) {
    return error
  }
  assert.fail('expected a failure')
}

test('cafile: the session logs in over HTTPS and reads the catalog', async () => {
  const session = sessionWith({ cafile: tls.caFile })
  const res = await session.request('/v3/auth/projects', { endpointOverride: identity.url })
  assert.equal(res.status, 200)
})

test('no cafile: SslError naming the URL, the reason and cafile; not retried', async () => {
  const error = await failure(sessionWith({}).request(`${identity.url}/v3`, {}))
  assert.ok(error instanceof SslError, String(error))
  assert.equal(error.url, identity.url)
  assert.equal(
    error.message,
    `cannot verify ${identity.url}: unable to verify the first certificate; set cafile to the CA that signed it`,
  )
})

test('the wrong CA in cafile: SslError saying so', async () => {
  const error = await failure(
    sessionWith({ cafile: tls.otherCa().cert }).request(`${identity.url}/v3`, {}),
  )
  assert.ok(error instanceof SslError, String(error))
  assert.match(
    error.message,
    /^cannot verify https:\/\/127\.0\.0\.1:\d+: .*the CA in cafile did not sign it/,
  )
})

test('insecure = true: connects without verifying, with a warning', async () => {
  const warnings: string[] = []
  const session = sessionWith({ insecure: true }, (m) => warnings.push(m))
  const res = await session.request('/v3/auth/projects', { endpointOverride: identity.url })
  assert.equal(res.status, 200)
  assert.equal(warnings.length, 1)
  assert.match(
    warnings[0] ?? '',
    /^\[service_user\] insecure = true: HTTPS certificates are not verified/,
  )
})

test('a missing cafile is a ConfigurationError naming the option and the file', () => {
  assert.throws(
    () => clientTlsFromOptions({ cafile: '/nonexistent/ca.pem' }, 'keystone_authtoken'),
    (e: unknown) =>
      e instanceof ConfigurationError &&
      e.message === '[keystone_authtoken] cafile /nonexistent/ca.pem: no such file',
  )
})

/** An HTTPS server answering 200 with the given certificate (and client-certificate demands). */
async function tlsServer(o: { cert: string; key: string; ca?: string }) {
  const { readFileSync } = await import('node:fs')
  const server = createServer(
    {
      cert: readFileSync(o.cert),
      key: readFileSync(o.key),
      ...(o.ca === undefined
        ? {}
        : { ca: readFileSync(o.ca), requestCert: true, rejectUnauthorized: true }),
    },
    (_req, res) => res.end('{}'),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test('a certificate for another host, and an expired one: each named', async () => {
  const other = tls.issue('other-host', { hosts: ['example.test'] })
  const wrongHost = await tlsServer(other)
  const expired = await tlsServer(tls.issue('expired', { days: -1 }))
  try {
    const session = new Session({ tls: clientTlsFromOptions({ cafile: tls.caFile }, 'x') })
    const hostError = await failure(session.request(wrongHost.url, { authenticated: false }))
    assert.ok(hostError instanceof SslError)
    assert.match(
      hostError.message,
      /^cannot verify https:.*IP: 127\.0\.0\.1 is not in the cert's list.*subjectAltName/,
    )
    const expiredError = await failure(session.request(expired.url, { authenticated: false }))
    assert.ok(expiredError instanceof SslError)
    assert.match(expiredError.message, /^cannot verify https:.*: certificate has expired; /)
  } finally {
    await wrongHost.close()
    await expired.close()
  }
})

test('a server demanding client certificates: refused without certfile, served with it', async () => {
  const server = await tlsServer({ cert: tls.certFile, key: tls.keyFile, ca: tls.caFile })
  const client = tls.issue('client')
  try {
    const without = new Session({ tls: clientTlsFromOptions({ cafile: tls.caFile }, 'x') })
    const error = await failure(without.request(server.url, { authenticated: false }))
    // TLS 1.3: the server's alert comes after the client's handshake; fetch sees a closed socket
    assert.ok(error instanceof ConnectFailure, String(error))
    assert.match(
      error.message,
      new RegExp(`^Unable to establish connection to ${server.url}.*set certfile and keyfile`),
    )
    const streamed = await failure(without.stream(server.url, { authenticated: false }))
    assert.ok(streamed instanceof SslError, String(streamed))
    assert.equal(
      streamed.message,
      `TLS handshake with ${server.url} failed: tlsv13 alert certificate required; the server may require a client certificate: set certfile and keyfile`,
    )
    const withCert = new Session({
      tls: clientTlsFromOptions(
        { cafile: tls.caFile, certfile: client.cert, keyfile: client.key },
        'x',
      ),
    })
    const res = await withCert.request(server.url, { authenticated: false })
    assert.equal(res.status, 200)
  } finally {
    await server.close()
  }
})

test('middleware: the wrong CA is a 503 to the caller and a log line naming identity and the reason', async () => {
  const errors: string[] = []
  const guarded = await startGuarded({
    options: identity.authtokenOptions({ cafile: tls.otherCa().cert }),
    logger: { error: (m: string) => errors.push(m), warn: () => {} },
  })
  try {
    const res = await call(guarded.url, { 'X-Auth-Token': userToken })
    assert.equal(res.status, 503)
    assert.match(
      errors.join('\n'),
      /Unable to validate token: cannot reach identity: cannot verify https:\/\/127\.0\.0\.1:\d+: .*set cafile/,
    )
  } finally {
    await guarded.close()
  }
})

test('middleware: cafile validates the token; insecure = true does too, with a warning', async () => {
  const ok = await startGuarded({ options: identity.authtokenOptions() })
  const warnings: string[] = []
  const insecure = await startGuarded({
    options: identity.authtokenOptions({ cafile: '', insecure: true }),
    logger: { warn: (m: string) => warnings.push(m) },
  })
  try {
    const res = await call(ok.url, { 'X-Auth-Token': userToken })
    assert.equal(res.status, 200)
    assert.equal(res.identity?.['x-user-id'], identity.users.alice.id)
    assert.equal((await call(insecure.url, { 'X-Auth-Token': userToken })).status, 200)
    assert.ok(warnings.some((w) => w.startsWith('[keystone_authtoken] insecure = true')))
  } finally {
    await ok.close()
    await insecure.close()
  }
})
