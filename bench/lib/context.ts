/**
 * What every section gets: the options, a private scratch dir, progress logging, and the servers
 * shared across sections (one Baton identity and one Keystone, both on SQLite with the same bcrypt
 * cost), started on first use and stopped at the end. A section that cannot run throws
 * SectionSkipped with the reason; the run goes on.
 * @module
 */
import { rmSync } from 'node:fs'
import type { KeystoneProcess } from '../../test/interop/keystone_process.ts'
import { BATON_ADMIN_PASSWORD, type BatonIdentity, startBatonIdentity } from './baton_identity.ts'
import type { Availability } from './debian.ts'
import {
  issueToken,
  type PasswordCreds,
  type ProjectScope,
  passwordAuthBody,
} from './identity_api.ts'
import type { BenchOptions } from './options.ts'

export class SectionSkipped extends Error {
  override name = 'SectionSkipped'
}

/** A server plus the credentials and tokens the sections use against it. */
export type Target = {
  readonly label: string
  readonly url: string
  readonly admin: PasswordCreds
  readonly adminProject: ProjectScope
  /** Two distinct admin project-scoped tokens: the caller's and the one validated. */
  readonly authToken: string
  readonly subjectToken: string
}

export type BenchContext = {
  readonly options: BenchOptions
  readonly scratch: string
  readonly log: (line: string) => void
  readonly availability: Availability
  /** The shared Baton identity (SQLite, `[identity] password_hash_rounds` = the bench's cost). */
  baton(): Promise<Target & { readonly server: BatonIdentity }>
  /** The shared Keystone; throws SectionSkipped when it is not installed. */
  keystone(): Promise<Target>
  /** Throws SectionSkipped unless wrk is available. */
  requireWrk(): void
  close(): Promise<void>
}

const ADMIN_PROJECT: ProjectScope = { name: 'admin', domainId: 'default' }

async function prepareTarget(label: string, url: string, password: string): Promise<Target> {
  const admin = { user: 'admin', domainId: 'default', password }
  const body = passwordAuthBody(admin, ADMIN_PROJECT)
  return {
    label,
    url,
    admin,
    adminProject: ADMIN_PROJECT,
    authToken: await issueToken(url, body, `a ${label} admin token`),
    subjectToken: await issueToken(url, body, `a ${label} admin token`),
  }
}

export function createContext(
  options: BenchOptions,
  scratch: string,
  availability: Availability,
  log: (line: string) => void,
): BenchContext {
  const rounds = ['[identity]', `password_hash_rounds = ${options.bcryptCost}`]
  let baton: Promise<Target & { server: BatonIdentity }> | undefined
  let keystone: Promise<{ target: Target; stop(): Promise<void> }> | undefined
  return {
    options,
    scratch,
    log,
    availability,
    baton() {
      baton ??= (async () => {
        log('starting baton serve identity (SQLite)')
        const server = await startBatonIdentity({ scratchDir: scratch, extraConfig: rounds })
        try {
          return { ...(await prepareTarget('Baton', server.url, BATON_ADMIN_PASSWORD)), server }
        } catch (error) {
          await server.stop()
          throw error
        }
      })()
      return baton
    },
    async keystone() {
      if (availability.keystone !== null) throw new SectionSkipped(availability.keystone)
      keystone ??= (async () => {
        log('starting Keystone 22 under uwsgi (SQLite, keystone-manage bootstrap: ~20 s)')
        // Imported late: keystone_process decides at import time whether Keystone is installed,
        // and the bench may just have installed it.
        const ks = await import('../../test/interop/keystone_process.ts')
        // keystone.conf already has [identity] with rounds 4; oslo.config takes the last value.
        const proc: KeystoneProcess | null = await ks.startKeystone(rounds)
        if (proc === null) throw new SectionSkipped(ks.keystoneMissing || 'Keystone missing')
        const stop = async () => {
          await proc.stop()
          // The harness leaves its scratch dir (database, keys, log) for tests to inspect.
          rmSync(proc.dir, { recursive: true, force: true })
        }
        try {
          return {
            target: await prepareTarget('Keystone', proc.url, ks.KEYSTONE_ADMIN_PASSWORD),
            stop,
          }
        } catch (error) {
          await stop()
          throw error
        }
      })()
      return (await keystone).target
    },
    requireWrk() {
      if (availability.wrk !== null) throw new SectionSkipped(availability.wrk)
    },
    async close() {
      const stops: Promise<void>[] = []
      if (baton !== undefined) stops.push(baton.then((b) => b.server.stop()).catch(() => {}))
      if (keystone !== undefined) stops.push(keystone.then((k) => k.stop()).catch(() => {}))
      await Promise.all(stops)
    },
  }
}
