/**
 * A test CA and certificates (made by the `openssl` program through `baton up --tls`'s own module),
 * and a way for the test process's own fetch calls to trust that CA, as a client with `cafile`
 * would: Node's fetch reads its CAs once at start-up, so the test installs an undici Agent with the
 * CA as the global dispatcher (which Node's fetch uses) instead.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import {
  type CertificateFiles,
  type CertificateOptions,
  ensureLocalCa,
  issueCertificate,
} from '../../packages/cli/src/local_cloud/certificates.ts'

export type TestTls = {
  readonly dir: string
  /** The CA's certificate: what `cafile` names. */
  readonly caFile: string
  /** A server certificate for 127.0.0.1 and localhost, signed by the CA. */
  readonly certFile: string
  readonly keyFile: string
  /** Another certificate signed by the CA (`name`.pem / `name`.key in `dir`). */
  issue(name: string, o?: CertificateOptions): CertificateFiles
  /** A second, unrelated CA (for "wrong CA" cases). */
  otherCa(): CertificateFiles
  close(): void
}

export function makeTestTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-tls-'))
  const ca = ensureLocalCa(join(dir, 'ca'))
  const server = issueCertificate(ca, dir, 'server')
  return {
    dir,
    caFile: ca.cert,
    certFile: server.cert,
    keyFile: server.key,
    issue: (name, o) => issueCertificate(ca, dir, name, o),
    otherCa: () => ensureLocalCa(join(dir, 'other-ca')),
    close: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Makes this process's fetch trust `caFile` (and present `cert`/`key` if given); returns an undo. */
export function trustInTests(caFile: string, client?: CertificateFiles): () => Promise<void> {
  const previous = getGlobalDispatcher()
  const agent = new Agent({
    connect: {
      ca: readFileSync(caFile),
      ...(client === undefined
        ? {}
        : { cert: readFileSync(client.cert), key: readFileSync(client.key) }),
    },
  })
  setGlobalDispatcher(agent)
  return async () => {
    setGlobalDispatcher(previous)
    await agent.close()
  }
}
