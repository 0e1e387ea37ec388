/**
 * The doctor's questions to identity, through the client package as the services themselves
 * would ask: authenticate with a config's credentials (which roles does the token carry?) and, as an
 * admin, list a node's key fingerprints. Answers are classified so that an unreachable identity
 * skips a check with a warning while refused credentials are a finding.
 * @module
 */
import {
  type AccessInfo,
  ClientError,
  ClientErrorCode,
  type ClientTls,
  type IdentityPlugin,
  InvalidResponse,
  PasswordAuth,
  Session,
} from '@baton/client'
import type { Clock } from '@baton/config'
import type { AdminCredentials } from './options.ts'

export type AskOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** 401: the credentials (or token) were refused. */
  | { readonly kind: 'refused'; readonly detail: string }
  /** No answer: connection refused, timeout, gateway errors. The check is skipped. */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /** Any other answer (403, 404, malformed bodies, ...). */
  | { readonly kind: 'failed'; readonly detail: string }

const UNREACHABLE: ReadonlySet<string> = new Set([
  ClientErrorCode.ConnectFailure,
  ClientErrorCode.RequestTimeout,
  ClientErrorCode.DiscoveryFailure,
  ClientErrorCode.BadGateway,
  ClientErrorCode.ServiceUnavailable,
  ClientErrorCode.GatewayTimeout,
])

export type IdentityAsker = {
  /** Authenticates with the plugin a config describes; the token's roles say what it may do. */
  authenticate(plugin: IdentityPlugin): Promise<AskOutcome<AccessInfo>>
  /** `GET <identityUrl>/v3/OS-BATON/fernet-keys`, authenticated as the admin at that same node. */
  fernetKeys(
    identityUrl: string,
    admin: AdminCredentials,
  ): Promise<AskOutcome<readonly KeyFingerprint[]>>
}

export type KeyFingerprint = { readonly fingerprint: string; readonly role: string }

/** Client errors carry no secrets (the session scrubs what it sent), so their text is shown. */
async function ask<T>(question: () => Promise<T>): Promise<AskOutcome<T>> {
  try {
    return { kind: 'ok', value: await question() }
  } catch (error) {
    if (!(error instanceof ClientError)) throw error
    if (error.code === ClientErrorCode.Unauthorized) {
      return { kind: 'refused', detail: error.message }
    }
    if (UNREACHABLE.has(error.code)) return { kind: 'unreachable', detail: error.message }
    return { kind: 'failed', detail: error.message }
  }
}

function v3Url(base: string): string {
  const trimmed = base.replace(/\/+$/, '')
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`
}

export function identityAsker(o: {
  clock: Clock
  timeoutMs: number
  /** `--os-cacert`: identity's HTTPS checked against this CA. */
  tls?: ClientTls
}): IdentityAsker {
  const session = (auth?: IdentityPlugin) =>
    new Session({
      clock: o.clock,
      timeoutMs: o.timeoutMs,
      ...(o.tls === undefined ? {} : { tls: o.tls }),
      ...(auth === undefined ? {} : { auth }),
    })
  return {
    authenticate: (plugin) => ask(() => plugin.getAccess(session())),
    async fernetKeys(identityUrl, admin) {
      const base = v3Url(identityUrl)
      return ask(async () => {
        // The admin logs in at the node it asks: a token from another node would not validate
        // there if the two nodes' keys differ, which is just what is being checked.
        const auth = new PasswordAuth({
          authUrl: base,
          username: admin.username,
          password: admin.password,
          userDomainName: admin.userDomainName,
          userDomainId: admin.userDomainId,
          projectName: admin.projectName,
          projectDomainName: admin.projectDomainName,
          projectDomainId: admin.projectDomainId,
        })
        const res = await session(auth).request(`${base}/OS-BATON/fernet-keys`, {
          headers: { Accept: 'application/json' },
        })
        return parseKeys(res.json())
      })
    },
  }
}

function parseKeys(body: unknown): KeyFingerprint[] {
  const keys = typeof body === 'object' && body !== null ? Reflect.get(body, 'keys') : undefined
  if (!Array.isArray(keys)) {
    throw new InvalidResponse('the answer has no "keys" list')
  }
  return keys.map((key: unknown) => {
    const fingerprint =
      typeof key === 'object' && key !== null ? Reflect.get(key, 'fingerprint') : 0
    const role = typeof key === 'object' && key !== null ? Reflect.get(key, 'role') : 0
    if (typeof fingerprint !== 'string' || typeof role !== 'string') {
      throw new InvalidResponse('a key entry lacks fingerprint/role')
    }
    return { fingerprint, role }
  })
}
