/**
 * A local certificate authority and the certificates it signs, for `baton up --tls` and the tests:
 * one CA, one server certificate per service (subjectAltName 127.0.0.1 and localhost, usable as a
 * client certificate too), keys written 0600.
 *
 * Why the `openssl` command: Node's crypto makes keys but cannot make or sign an X.509 certificate
 * (X509Certificate only reads them). The choices were an npm library (node-forge: RSA in pure
 * JavaScript, slow key generation, a history of signature-verification advisories; @peculiar/x509:
 * a WebCrypto stack of several packages) or the `openssl` program, which Debian always installs
 * (libssl's own tool, the one Node links against), makes EC keys in milliseconds, and whose output
 * every TLS stack here (Node, Python's ssl for openstackclient) already trusts. No new dependency,
 * no cryptography of our own: we only write its arguments. Its absence is one clear error.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError, CliErrorCode } from '../errors.ts'

export type CertificateFiles = { readonly cert: string; readonly key: string }

export type CertificateOptions = {
  /** Days of validity; a negative number makes a certificate already expired (tests). */
  readonly days?: number
  /** subjectAltName entries (IP addresses or DNS names); default 127.0.0.1 and localhost. */
  readonly hosts?: readonly string[]
  /** The `openssl` program; default `openssl` on PATH. */
  readonly openssl?: string
}

const DEFAULT_HOSTS = ['127.0.0.1', 'localhost'] as const
const CA_DAYS = 3650
const CERT_DAYS = 825

/** The CA in `dir` (ca.pem, ca.key), made on the first call and reused after. */
export function ensureLocalCa(dir: string, o: CertificateOptions = {}): CertificateFiles {
  const files = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') }
  if (existsSync(files.cert) && existsSync(files.key)) return files
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  newKey(files.key, o)
  run(o, [
    'req',
    '-x509',
    '-new',
    '-key',
    files.key,
    '-out',
    files.cert,
    '-days',
    String(o.days ?? CA_DAYS),
    '-subj',
    '/CN=Baton local CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
  ])
  return files
}

/**
 * A certificate for `name` signed by `ca`, written as `<name>.pem` and `<name>.key` in `dir`
 * (replacing any there). For servers (serverAuth) and clients (clientAuth) alike.
 */
export function issueCertificate(
  ca: CertificateFiles,
  dir: string,
  name: string,
  o: CertificateOptions = {},
): CertificateFiles {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) }
  const csr = join(dir, `${name}.csr`)
  const ext = join(dir, `${name}.ext`)
  newKey(files.key, o)
  const hosts = o.hosts ?? DEFAULT_HOSTS
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      `subjectAltName=${san}`,
      '',
    ].join('\n'),
  )
  try {
    run(o, ['req', '-new', '-key', files.key, '-out', csr, '-subj', `/CN=${hosts[0] ?? name}`])
    run(o, [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`,
      '-days',
      String(o.days ?? CERT_DAYS),
      '-extfile',
      ext,
      '-out',
      files.cert,
    ])
  } finally {
    rmSync(csr, { force: true })
    rmSync(ext, { force: true })
  }
  return files
}

/** An EC P-256 key, readable by its owner only. */
function newKey(path: string, o: CertificateOptions): void {
  rmSync(path, { force: true })
  // made 0600 before openssl writes the key into it, so it is never readable by others
  writeFileSync(path, '', { mode: 0o600 })
  run(o, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path])
  chmodSync(path, 0o600)
}

function run(o: CertificateOptions, args: string[]): void {
  const program = o.openssl ?? 'openssl'
  try {
    execFileSync(program, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new CliError(
      CliErrorCode.CertificatesFailed,
      code === 'ENOENT'
        ? `cannot make certificates: the \`${program}\` program is not installed (apt-get install openssl)`
        : `${program} ${args[0]} failed: ${stderr.split('\n')[0] ?? 'no message'}`,
    )
  }
}
