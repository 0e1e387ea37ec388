/**
 * Summarises a V8 `.cpuprofile` (what `node --cpu-prof` writes): self time per function and per
 * area (a package of ours, a dependency, node internals, GC), optionally only for the samples
 * inside a time window, i.e. while the load ran. Pure: the profile is a parsed JSON value.
 * @module
 */

export type CallFrame = {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}
export type ProfileNode = { readonly id: number; readonly callFrame: CallFrame }
export type CpuProfile = {
  readonly nodes: readonly ProfileNode[]
  readonly startTime: number
  readonly endTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

export type SelfTime = { readonly name: string; readonly ms: number; readonly percent: number }

export type ProfileSummary = {
  readonly sampledMs: number
  readonly functions: readonly SelfTime[]
  readonly areas: readonly SelfTime[]
}

/** Microseconds in the profile's own clock; samples outside are ignored. */
export type Window = { readonly from: number; readonly to: number }

export function isCpuProfile(value: unknown): value is CpuProfile {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Record<string, unknown>
  return Array.isArray(p.nodes) && Array.isArray(p.samples) && Array.isArray(p.timeDeltas)
}

/** Where a function lives, coarsely: `packages/identity/token`, `node_modules/pino`, ... */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame
  if (url === '') {
    return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`
  }
  if (url.startsWith('node:')) return 'node internals'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules?.[1] !== undefined) return `node_modules/${modules[1]}`
  const ours = /\/packages\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(url)
  if (ours?.[1] !== undefined)
    return `packages/${ours[1]}${ours[2] === undefined ? '' : `/${ours[2]}`}`
  return url.replace(/^file:\/\//, '')
}

function location(frame: CallFrame): string {
  if (frame.url === '') return ''
  const path = frame.url.replace(/^file:\/\//, '').replace(/^.*?\/(packages|node_modules)\//, '$1/')
  return `${path}:${frame.lineNumber + 1}`
}

function ranked(totals: Map<string, number>, sampledUs: number, limit: number): SelfTime[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 100) / 10,
      percent: sampledUs > 0 ? Math.round((us / sampledUs) * 1000) / 10 : 0,
    }))
}

export function summarizeProfile(profile: CpuProfile, window?: Window, limit = 15): ProfileSummary {
  const frames = new Map<number, CallFrame>()
  for (const node of profile.nodes) frames.set(node.id, node.callFrame)
  const byFunction = new Map<string, number>()
  const byArea = new Map<string, number>()
  let time = profile.startTime
  let sampledUs = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    time += delta
    if (window !== undefined && (time < window.from || time > window.to)) return
    const frame = frames.get(id)
    if (frame === undefined) return
    sampledUs += delta
    const name = `${frame.functionName || '(anonymous)'} ${location(frame)}`.trim()
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
    const area = areaOf(frame)
    byArea.set(area, (byArea.get(area) ?? 0) + delta)
  })
  return {
    sampledMs: Math.round(sampledUs / 1000),
    functions: ranked(byFunction, sampledUs, limit),
    areas: ranked(byArea, sampledUs, limit),
  }
}

export function formatSummary(summary: ProfileSummary): string[] {
  const line = (s: SelfTime) => `${s.percent.toFixed(1).padStart(5)}%  ${s.name}`
  return [
    `${summary.sampledMs} ms of samples while the load ran; self time by area:`,
    ...summary.areas.map(line),
    'top functions by self time:',
    ...summary.functions.map(line),
  ]
}
