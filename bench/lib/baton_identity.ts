/**
 * The bench's identity server: test/interop/identity_process.ts's real `baton serve identity`,
 * with what measuring adds: peak RSS of the server process from /proc.
 * @module
 */
import { readFileSync } from 'node:fs'
import {
  ADMIN_PASSWORD,
  type IdentityProcess,
  type IdentityProcessOptions,
  startIdentity,
} from '../../test/interop/identity_process.ts'

export { stopChild } from '../../test/interop/identity_process.ts'
export const BATON_ADMIN_PASSWORD = ADMIN_PASSWORD

export type BatonIdentity = IdentityProcess & {
  /** VmHWM of the server process in MiB (Linux), or null when /proc cannot tell. */
  peakRssMiB(): number | null
}

export type BatonIdentityOptions = IdentityProcessOptions & {
  /** Whole config sections appended to identity.conf. */
  readonly extraConfig?: readonly string[]
}

export function peakRssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]
    return kib === undefined ? null : Number(kib) / 1024
  } catch {
    return null
  }
}

export async function startBatonIdentity(options: BatonIdentityOptions): Promise<BatonIdentity> {
  const { extraConfig = [], ...processOptions } = options
  const server = await startIdentity(extraConfig, processOptions)
  return { ...server, peakRssMiB: () => peakRssMiB(server.pid) }
}
