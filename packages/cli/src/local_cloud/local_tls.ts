/**
 * `baton up --tls`: the local cloud's CA and one certificate per program under `<data-dir>/tls/`
 * (made once, reused after; keys 0600), and this process's own trust in that CA, since `up` itself
 * calls identity (bootstrap, provisioning) and polls every program until it answers. Node's fetch
 * reads its CA store once at start-up, so the CA goes in through undici's global dispatcher, which
 * Node's fetch uses.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Agent, setGlobalDispatcher } from 'undici'
import { ensureLocalCa, issueCertificate } from './certificates.ts'
import { PROGRAMS, type ProgramName } from './plan.ts'

export type LocalTls = {
  /** The CA every client and middleware is told to trust (`cafile`, `OS_CACERT`). */
  readonly caFile: string
  readonly certs: Readonly<Record<ProgramName, { readonly cert: string; readonly key: string }>>
}

/** The CA and certificates in `<dataDir>/tls`, made where missing; says what it made. */
export function prepareLocalTls(dataDir: string, say: (line: string) => void): LocalTls {
  const dir = join(dataDir, 'tls')
  const caExisted = existsSync(join(dir, 'ca.pem'))
  const ca = ensureLocalCa(dir)
  if (!caExisted) say(`created a local certificate authority: ${ca.cert}`)
  const certs = {} as Record<ProgramName, { cert: string; key: string }>
  const made: string[] = []
  for (const program of PROGRAMS) {
    const files = { cert: join(dir, `${program}.pem`), key: join(dir, `${program}.key`) }
    if (caExisted && existsSync(files.cert) && existsSync(files.key)) {
      certs[program] = files
      continue
    }
    certs[program] = issueCertificate(ca, dir, program)
    made.push(program)
  }
  if (made.length > 0) {
    say(`issued certificates for ${made.join(', ')} (127.0.0.1 and localhost; keys 0600)`)
  }
  return { caFile: ca.cert, certs }
}

/** Makes this process's fetch trust the local CA. */
export function trustLocalCa(tls: LocalTls): void {
  setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(tls.caFile) } }))
}
