/**
 * The doctor as the identity server's `ChainsSource` (the console's Chains view): the reference
 * services in call order (`@baton/cloud/services`: compute -> volume -> image -> object) and a
 * fresh `runDoctor` over the given files on every call, each file matched to its service (by its
 * name, `compute.conf`, else by the service user its `[service_user]` names). Identity cannot
 * import the CLI, so `baton serve identity` injects this. A file that cannot be read is a
 * finding here (the CLI's doctor stops at it instead).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { serviceFacts } from '@baton/cloud/services'
import { type Clock, normalizeGroupName, parseIni, systemClock } from '@baton/config'
import type { ChainFile, ChainFinding, ChainsSource } from '@baton/identity'

/** The chain service a config file belongs to (undefined when it is none of theirs). */
export function serviceOfFile(file: string): string | undefined {
  const stem = basename(file, extname(file))
  const byName = serviceFacts.find((s) => s.name === stem)
  if (byName !== undefined) return byName.name
  try {
    const sections = parseIni(readFileSync(file, 'utf8'), file).sections
    for (const [name, options] of Object.entries(sections)) {
      if (normalizeGroupName(name) !== 'service_user') continue
      const user = options.username?.at(-1)
      return serviceFacts.find((s) => s.serviceUser === user)?.name
    }
  } catch {
    // unreadable or unparsable: the doctor says so
  }
  return undefined
}

export function doctorChainsSource(
  o: {
    /** Identity's own config files, checked with the services' (its findings are on no hop). */
    readonly identityFiles?: readonly string[]
    readonly clock?: Clock
    readonly timeoutMs?: number
  } = {},
): ChainsSource {
  return {
    services: serviceFacts.map((s, i) => ({
      name: s.name,
      catalogType: s.catalog.type,
      calls: 'callsNextHop' in s && !s.callsNextHop ? undefined : serviceFacts[i + 1]?.name,
    })),
    async diagnose(serviceFiles) {
      const all = [...new Set([...serviceFiles, ...(o.identityFiles ?? [])])]
      const files = all.filter((file) => existsSync(file))
      const missing: ChainFinding[] = all
        .filter((file) => !files.includes(file))
        .map((file) => ({
          severity: 'error',
          file,
          section: '-',
          option: '-',
          problem: 'the config file does not exist, so nothing of it was checked',
          fix: "correct identity's [console] service_config_files, or restore the file",
        }))
      // loaded on the first look at the Chains view, not when identity starts
      const { runDoctor } = await import('./run_doctor.ts')
      const report = await runDoctor({
        files,
        identityUrl: undefined,
        admin: undefined,
        clock: o.clock ?? systemClock,
        timeoutMs: o.timeoutMs ?? 5000,
      })
      const chainFiles: ChainFile[] = [
        ...report.files.map(({ file, kinds, loaded }) => ({
          file,
          roles: kinds,
          service: serviceOfFile(file),
          loaded,
        })),
        ...missing.map(({ file }) => ({
          file,
          roles: [],
          service: serviceOfFile(file),
          loaded: false,
        })),
      ]
      return { files: chainFiles, findings: [...missing, ...report.findings] }
    },
  }
}
