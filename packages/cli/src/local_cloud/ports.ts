/**
 * Which port each program of the local cloud listens on: OpenStack's usual one when free, else the
 * next free one above it (said in a note: "port 5000 is busy; identity uses 5001"), any free one
 * with `--any-ports`. A port given explicitly (`--port`, or the port in a service config the user
 * edited) is used as is, and refused up front when busy.
 * @module
 */
import { createServer } from 'node:net'
import { CliError, CliErrorCode } from '../errors.ts'
import { DEFAULT_PORTS, PROGRAMS, type ProgramName } from './plan.ts'

/** How far above a busy default port to look before taking any free port. */
const NEARBY = 20

export type PortChoice = {
  readonly ports: Record<ProgramName, number>
  /** One line per program that did not get the port it would normally get. */
  readonly notes: readonly string[]
}

export function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, host, () => probe.close(() => done(true)))
  })
}

async function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export type PortRequest = {
  readonly host: string
  /** Ports that must be used as given (0 or absent: choose). */
  readonly fixed?: Partial<Record<ProgramName, number>>
  /** Where each given port came from, for the message when it is busy. */
  readonly fixedBy?: Partial<Record<ProgramName, string>>
  readonly anyPorts?: boolean
  /** The usual ports (OpenStack's); injectable for tests. */
  readonly defaults?: Readonly<Record<ProgramName, number>>
}

export async function planPorts(request: PortRequest): Promise<PortChoice> {
  const { host, fixed = {}, fixedBy = {}, anyPorts = false, defaults = DEFAULT_PORTS } = request
  const ports = {} as Record<ProgramName, number>
  const taken = new Set<number>()
  const notes: string[] = []
  for (const name of PROGRAMS) {
    const given = fixed[name]
    if (given === undefined || given === 0) continue
    if (taken.has(given) || !(await isFree(given, host))) {
      throw new CliError(
        CliErrorCode.PortBusy,
        `port ${given} (${fixedBy[name] ?? `${name}'s port`}) is busy on ${host}; free it or choose another`,
      )
    }
    ports[name] = given
    taken.add(given)
  }
  for (const name of PROGRAMS) {
    if (ports[name] !== undefined) continue
    const usual = defaults[name]
    let port: number | undefined
    if (!anyPorts) {
      for (let candidate = usual; candidate <= usual + NEARBY && candidate <= 65535; candidate++) {
        if (!taken.has(candidate) && (await isFree(candidate, host))) {
          port = candidate
          break
        }
      }
    }
    while (port === undefined || taken.has(port)) port = await anyFreePort(host)
    if (!anyPorts && port !== usual) notes.push(`port ${usual} is busy; ${name} uses ${port}`)
    ports[name] = port
    taken.add(port)
  }
  return { ports, notes }
}

/** OpenStack's port for each program when free, another free one when not (or always, `anyPorts`). */
export async function choosePorts(
  host: string,
  wanted: Partial<Record<ProgramName, number>>,
  anyPorts = false,
): Promise<Record<ProgramName, number>> {
  return (await planPorts({ host, fixed: wanted, anyPorts })).ports
}
