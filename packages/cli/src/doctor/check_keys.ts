/**
 * Check 4, the identity nodes' Fernet keys: each repository is usable, `max_active_keys` covers
 * `expiration + allow_expired_window` at the rotation period observed in the repository's history
 * (Keystone FAQ: max_active_keys >= (expiration + allow_expired_window) / rotation period + 2),
 * and every node holds the same keys, read locally when possible and otherwise asked of the node
 * over `GET /v3/OS-BATON/fernet-keys` as an admin. An auth receipt repository of its own
 * (`[fernet_receipts] key_repository`) must be usable and hold keys too.
 * @module
 */
import { join, resolve } from 'node:path'
import {
  FernetError,
  FernetErrorCode,
  HISTORY_FILE,
  keyLifetime,
  keyRepositoryStatus,
} from '@baton/fernet'
import {
  authOptions,
  defaultOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  receiptOptions,
  tokenOptions,
} from '@baton/identity'
import { delegationLifetimeOf } from '../config_files.ts'
import { duration } from '../format.ts'
import { checkDatabaseKeyStore, checkRotationInterval } from './check_fleet.ts'
import type { DoctorConfig } from './config_set.ts'
import type { Findings } from './findings.ts'
import type { IdentityAsker } from './identity_calls.ts'
import type { DoctorSettings } from './options.ts'

const SECTION = 'fernet_tokens'

/** One node's keys and where they were read. */
type NodeKeys = { readonly node: DoctorConfig; readonly fingerprints: readonly string[] }

/** Elsewhere (another host) or not ours to read: the node itself can still be asked. */
const NOT_HERE: ReadonlySet<string> = new Set([
  FernetErrorCode.RepositoryMissing,
  FernetErrorCode.RepositoryUnreadable,
])

export async function checkIdentityNodes(
  nodes: readonly DoctorConfig[],
  settings: DoctorSettings,
  asker: IdentityAsker,
  findings: Findings,
): Promise<void> {
  const read: NodeKeys[] = []
  const urls = new Map<string, string>()
  for (const node of nodes) {
    checkRotationInterval(node, findings)
    if (node.config.get(fernetTokensOptions).key_store === 'database') {
      await checkDatabaseKeyStore(node, findings)
      continue
    }
    checkReceiptRepository(node, settings, findings)
    const local = readLocal(node, settings, findings)
    if (local !== 'elsewhere') {
      if (local !== undefined) read.push({ node, fingerprints: local })
      continue
    }
    const url = node.config.get(defaultOptions).public_endpoint ?? settings.identityUrl
    const remote = await readRemote(node, url, settings, asker, findings)
    if (remote === undefined || url === undefined) continue
    const twin = urls.get(url)
    if (twin !== undefined) {
      findings.warning(
        node.file,
        'DEFAULT',
        'public_endpoint',
        `${twin} is asked at the same URL ${url}: behind a load balancer one node may answer both, so their keys were not compared`,
        'set each node’s own URL in its [DEFAULT] public_endpoint (or run baton doctor on each node)',
      )
      continue
    }
    urls.set(url, node.file)
    read.push({ node, fingerprints: remote })
  }
  compareNodes(read, findings)
  compareSettings(nodes, findings)
}

/** Fingerprints of a readable local repository (plus its own checks), or 'elsewhere'. */
function readLocal(
  node: DoctorConfig,
  settings: DoctorSettings,
  findings: Findings,
): readonly string[] | 'elsewhere' | undefined {
  const fernet = node.config.get(fernetTokensOptions)
  const token = node.config.get(tokenOptions)
  const warnings: string[] = []
  let status: ReturnType<typeof keyRepositoryStatus>
  try {
    status = keyRepositoryStatus({
      path: fernet.key_repository,
      maxActiveKeys: fernet.max_active_keys,
      tokenExpiration: token.expiration,
      allowExpiredWindow: token.allow_expired_window,
      delegationLifetime: delegationLifetimeOf(node.config),
      clock: settings.clock,
      logger: { warn: (message) => warnings.push(message) },
    })
  } catch (error) {
    if (!(error instanceof FernetError)) throw error
    if (NOT_HERE.has(error.code) && canAsk(node, settings)) return 'elsewhere'
    findings.error(node.file, SECTION, 'key_repository', error.message, repositoryFix(error))
    return undefined
  }
  for (const warning of warnings) {
    findings.warning(node.file, SECTION, 'key_repository', warning, 'remove or repair the file')
  }
  if (status.keys.length === 0) {
    findings.error(
      node.file,
      SECTION,
      'key_repository',
      `${fernet.key_repository} holds no keys: identity cannot issue or validate tokens`,
      `baton keys setup --config-file ${node.file} (then copy the repository to every identity node)`,
    )
    return undefined
  }
  checkRotation(node, status.keys, findings)
  return status.keys.map((key) => key.fingerprint)
}

/**
 * `[fernet_receipts] key_repository` naming a directory of its own: identity will not start
 * without it (as Keystone's receipt provider), so it must be readable here and hold keys.
 */
function checkReceiptRepository(
  node: DoctorConfig,
  settings: DoctorSettings,
  findings: Findings,
): void {
  const receipts = node.config.get(fernetReceiptsOptions)
  const path = receipts.key_repository
  if (path === undefined) return
  if (resolve(path) === resolve(node.config.get(fernetTokensOptions).key_repository)) return
  const setup = `baton keys setup --receipts --config-file ${node.file}`
  try {
    const status = keyRepositoryStatus({
      path,
      maxActiveKeys: receipts.max_active_keys,
      tokenExpiration: node.config.get(receiptOptions).expiration,
      allowExpiredWindow: 0,
      clock: settings.clock,
      logger: { warn: () => {} },
    })
    if (status.keys.length === 0) {
      findings.error(
        node.file,
        'fernet_receipts',
        'key_repository',
        `${path} holds no keys: identity does not start without its receipt keys`,
        `${setup} (then copy the repository to every identity node)`,
      )
    }
  } catch (error) {
    if (!(error instanceof FernetError)) throw error
    const fix = error.code === FernetErrorCode.RepositoryMissing ? setup : repositoryFix(error)
    findings.error(node.file, 'fernet_receipts', 'key_repository', error.message, fix)
  }
}

function canAsk(node: DoctorConfig, settings: DoctorSettings): boolean {
  const url = node.config.get(defaultOptions).public_endpoint ?? settings.identityUrl
  return url !== undefined && settings.admin !== undefined
}

function repositoryFix(error: FernetError): string {
  switch (error.code) {
    case FernetErrorCode.RepositoryPermissions:
      return 'chmod 700 the directory and chmod 600 its keys, owned by the user running identity: the keys sign every token'
    case FernetErrorCode.RepositoryMissing:
      return 'create it with baton keys setup (or copy it from another identity node); if it lives on another host, run baton doctor there, or give admin credentials (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME...) and the node’s URL ([DEFAULT] public_endpoint or --identity-url) so the doctor asks the node'
    case FernetErrorCode.RepositoryUnreadable:
      return 'run baton doctor as the user running identity, or give admin credentials and the node’s URL so the doctor asks the node'
    default:
      return 'repair the key repository (baton keys status shows what it holds)'
  }
}

/** The observed rotation period against the window tokens must stay decryptable for. */
function checkRotation(
  node: DoctorConfig,
  keys: readonly { promotedAt?: number }[],
  findings: Findings,
): void {
  const { max_active_keys: max, key_repository: path } = node.config.get(fernetTokensOptions)
  const { expiration, allow_expired_window: window } = node.config.get(tokenOptions)
  const keyNeed = keyLifetime({
    tokenExpiration: expiration,
    allowExpiredWindow: window,
    delegationLifetime: delegationLifetimeOf(node.config),
  })
  const needed = keyNeed.seconds
  const lifetime = `${keyNeed.label} = ${duration(needed)}`
  if (max < 3 && needed > 0) {
    findings.error(
      node.file,
      SECTION,
      'max_active_keys',
      `${max} leaves no secondary key: each rotation purges the key that was primary until then, so every token it encrypted (valid for ${lifetime}) fails validation at once`,
      `set [${SECTION}] max_active_keys to at least 3, and more for frequent rotations: (expiration + allow_expired_window) / rotation period + 2`,
    )
    return
  }
  // The shortest gap between recorded promotions is the rotation period to plan for.
  const promotions = keys
    .map((key) => key.promotedAt)
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b)
  let period = Number.POSITIVE_INFINITY
  for (let i = 1; i < promotions.length; i++) {
    period = Math.min(period, ((promotions[i] ?? 0) - (promotions[i - 1] ?? 0)) / 1000)
  }
  if (!Number.isFinite(period) || period <= 0) return
  const required = Math.ceil(needed / period) + 2
  if (max >= required) return
  const slowest = needed / (max - 2)
  findings.error(
    node.file,
    SECTION,
    'max_active_keys',
    `keys are rotated every ${duration(period)} (the shortest gap between promotions recorded in ${join(path, HISTORY_FILE)}) and tokens must stay decryptable for ${lifetime}, which needs max_active_keys >= ${required} (Keystone FAQ: (expiration + allow_expired_window) / rotation period + 2, Baton's delegation lifetime instead when longer); with ${max}, keys are purged while tokens they encrypted are still valid, so expired user tokens vouched for by a service token, and delegations, fail`,
    `set [${SECTION}] max_active_keys = ${required} on every identity node, or rotate no more often than every ${duration(slowest)}`,
  )
}

async function readRemote(
  node: DoctorConfig,
  url: string | undefined,
  settings: DoctorSettings,
  asker: IdentityAsker,
  findings: Findings,
): Promise<readonly string[] | undefined> {
  const admin = settings.admin
  if (url === undefined || admin === undefined) return undefined
  const outcome = await asker.fernetKeys(url, admin)
  if (outcome.kind === 'ok') {
    findings.warning(
      node.file,
      SECTION,
      'key_repository',
      `${node.config.get(fernetTokensOptions).key_repository} is not readable here; its fingerprints were asked of ${url}, but its rotation history was not checked`,
      'run baton doctor on the identity node itself to check max_active_keys against the rotation period',
    )
    return outcome.value.map((key) => key.fingerprint)
  }
  findings.warning(
    node.file,
    SECTION,
    'key_repository',
    `the key repository is not readable here, and asking ${url} for its key fingerprints ${outcome.kind === 'unreachable' ? 'got no answer' : 'failed'} (${outcome.detail}): its keys were not checked`,
    outcome.kind === 'unreachable'
      ? 'start the node or correct its URL ([DEFAULT] public_endpoint or --identity-url)'
      : 'give the credentials of a user with the admin role (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME)',
  )
  return undefined
}

/** Every node must hold the same keys: a token one node issues must validate on every other. */
function compareNodes(read: readonly NodeKeys[], findings: Findings): void {
  const [first, ...others] = read
  if (first === undefined) return
  const base = new Set(first.fingerprints)
  for (const other of others) {
    const mine = new Set(other.fingerprints)
    const onlyHere = [...mine].filter((fp) => !base.has(fp))
    const onlyThere = [...base].filter((fp) => !mine.has(fp))
    if (onlyHere.length === 0 && onlyThere.length === 0) continue
    const list = (fps: string[]) => (fps.length === 0 ? 'none' : fps.join(', '))
    findings.error(
      other.node.file,
      SECTION,
      'key_repository',
      `its keys differ from those of ${first.node.file} (fingerprints only here: ${list(onlyHere)}; only there: ${list(onlyThere)}): tokens issued by one node fail validation on the other, intermittently behind a load balancer`,
      `rotate on one node only and copy its repository to every other node after each rotation (e.g. rsync -a --delete <key_repository>/ other-node:<key_repository>/)`,
    )
  }
}

/** Settings that must agree across nodes for their tokens to mean the same thing everywhere. */
function compareSettings(nodes: readonly DoctorConfig[], findings: Findings): void {
  const [first, ...others] = nodes
  if (first === undefined) return
  const methods = first.config.get(authOptions).methods.join(',')
  const { expiration, allow_expired_window } = first.config.get(tokenOptions)
  for (const node of others) {
    if (node.config.get(authOptions).methods.join(',') !== methods) {
      findings.error(
        node.file,
        'auth',
        'methods',
        `differs from ${first.file} (${methods}): the order of methods is packed into every Fernet token, so tokens from one node decode with the wrong methods on the other`,
        `use the same [auth] methods, in the same order, on every identity node`,
      )
    }
    const token = node.config.get(tokenOptions)
    for (const [option, value, theirs] of [
      ['expiration', token.expiration, expiration],
      ['allow_expired_window', token.allow_expired_window, allow_expired_window],
    ] as const) {
      if (value === theirs) continue
      findings.warning(
        node.file,
        'token',
        option,
        `${value} here but ${theirs} in ${first.file}: tokens live as long as the node that answers says`,
        `use the same [token] ${option} on every identity node`,
      )
    }
  }
}
