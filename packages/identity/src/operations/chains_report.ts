/**
 * The answer of `GET /v3/OS-BATON/chains` (the operator console's Chains view): the services of the
 * delegation chain as nodes (identity's catalog entry and endpoints, the config file, whether it
 * sends `[service_user]` / receives `[keystone_authtoken]`), each hop as an edge coloured by the
 * findings of `baton doctor` that concern it, and the findings that concern no hop. Identity does
 * not import the CLI (where the doctor lives): the CLI injects a `ChainsSource` that knows the
 * reference services and runs the doctor over the files; this module only joins and attributes.
 * @module
 */
import type { CatalogRepository } from '../store/catalog/types.ts'
import type {
  ChainSeverity,
  ChainState,
  ChainsReport,
  EdgeView,
  FindingView,
  NodeView,
} from './chains_view_types.ts'

export type { ChainSeverity, ChainState, ChainsReport } from './chains_view_types.ts'

/** One finding of the doctor, as `baton doctor --format json` prints it (plus the hop it knows). */
export type ChainFinding = {
  readonly severity: ChainSeverity
  readonly file: string
  readonly section: string
  readonly option: string
  readonly problem: string
  readonly fix: string
  /** The sender's and the receiver's config files, when the check compared the two. */
  readonly edge?: { readonly from: string; readonly to: string } | undefined
}

/** A service of the chain, in call order; `calls` names the next hop (none at the chain's end). */
export type ChainService = {
  readonly name: string
  readonly catalogType: string
  readonly calls?: string | undefined
}

/** What the doctor read a file as, and the chain service it is the config of (null when none). */
export type ChainFile = {
  readonly file: string
  readonly roles: readonly string[]
  readonly service?: string | undefined
  /** False when the file could not be read or loaded (a finding says why). */
  readonly loaded?: boolean | undefined
}

export type ChainsDiagnosis = {
  readonly files: readonly ChainFile[]
  readonly findings: readonly ChainFinding[]
}

/**
 * Injected by `baton serve identity`: the chain's services and a fresh doctor run over the
 * `[console] service_config_files` (the CLI adds identity's own config files), on every request.
 */
export type ChainsSource = {
  readonly services: readonly ChainService[]
  diagnose(files: readonly string[]): Promise<ChainsDiagnosis>
}

export type ChainsReportSources = {
  readonly source: ChainsSource | undefined
  readonly files: readonly string[]
  readonly catalog: CatalogRepository
  readonly now: () => number
}

const HINT_NO_SOURCE =
  'This identity server was started without the chain checks (they come with `baton serve identity`): only the catalog is shown.'
const HINT_NO_FILES =
  "Set [console] service_config_files in identity's config to the services' config files (compute, volume, image, object; `baton up` does) to see each hop checked."

function stateOf(findings: readonly FindingView[]): ChainState {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  return findings.length > 0 ? 'warning' : 'ok'
}

async function catalogNodes(catalog: CatalogRepository) {
  const [services, endpoints] = await Promise.all([catalog.listServices(), catalog.listEndpoints()])
  return services.map((service) => ({
    service,
    endpoints: endpoints
      .filter((e) => e.serviceId === service.id)
      .map((e) => ({ interface: e.interface, url: e.url, region: e.regionId }))
      .sort((a, b) => a.interface.localeCompare(b.interface)),
  }))
}

export async function chainsReport(sources: ChainsReportSources): Promise<ChainsReport> {
  const catalog = await catalogNodes(sources.catalog)
  const checkedAt = new Date(sources.now()).toISOString()
  const empty = { files: [], other_findings: [], summary: { errors: 0, warnings: 0 } }
  const { source } = sources
  if (source === undefined) {
    return {
      checked_at: checkedAt,
      configured: false,
      hint: HINT_NO_SOURCE,
      error: null,
      ...empty,
      nodes: catalog.map(({ service, endpoints }) => ({
        name: service.name ?? service.type,
        catalog_type: service.type,
        catalog_name: service.name,
        endpoints,
        config_file: null,
        config_loaded: false,
        sends: false,
        receives: false,
        state: 'unknown',
        findings: [],
      })),
      edges: [],
    }
  }
  let diagnosis: ChainsDiagnosis = { files: [], findings: [] }
  let error: string | null = null
  if (sources.files.length > 0) {
    try {
      diagnosis = await source.diagnose(sources.files)
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught)
    }
  }
  const configured = sources.files.length > 0 && error === null
  const fileOf = new Map<string, ChainFile>()
  const serviceOfFile = new Map<string, string>()
  for (const f of diagnosis.files) {
    if (f.service !== undefined && !fileOf.has(f.service)) fileOf.set(f.service, f)
    if (f.service !== undefined) serviceOfFile.set(f.file, f.service)
  }
  const nodes: NodeView[] = source.services.map((s) => {
    const entry = catalog.find(({ service }) => service.type === s.catalogType)
    const file = fileOf.get(s.name)
    return {
      name: s.name,
      catalog_type: s.catalogType,
      catalog_name: entry?.service.name ?? null,
      endpoints: entry?.endpoints ?? [],
      config_file: file?.file ?? null,
      config_loaded: file !== undefined && file.loaded !== false,
      sends: file?.roles.includes('sender') ?? false,
      receives: file?.roles.includes('receiver') ?? false,
      state: configured && file !== undefined ? 'ok' : 'unknown',
      findings: [],
    }
  })
  const edges: EdgeView[] = source.services
    .filter((s) => s.calls !== undefined)
    .map((s) => ({ from: s.name, to: s.calls ?? '', state: 'unknown', findings: [] }))
  const other: FindingView[] = []
  const node = (name: string | undefined) => nodes.find((n) => n.name === name)
  const findings = [...diagnosis.findings]
  // A sender without [service_user] is no doctor finding (the doctor checks what a file is), but
  // its hop carries the user's token alone: said here, where the chain is known.
  for (const edge of edges) {
    const from = node(edge.from)
    if (from?.config_file == null || !from.config_loaded || from.sends) continue
    findings.push({
      severity: 'error',
      file: from.config_file,
      section: 'service_user',
      option: 'send_service_user_token',
      problem: `no [service_user] section: ${edge.from} calls ${edge.to} with the user's token alone, so a user token that expires during a long operation is refused there`,
      fix: 'add [service_user] with send_service_user_token = true, auth_type = password, auth_url, username, password, user_domain_name, project_name and project_domain_name of a user holding the service role',
    })
  }
  for (const f of findings) {
    const service = serviceOfFile.get(f.file)
    const view: FindingView = {
      severity: f.severity,
      file: f.file,
      section: f.section,
      option: f.option,
      problem: f.problem,
      fix: f.fix,
      edge: null,
      service: service ?? null,
    }
    const section = f.section.toLowerCase()
    let edge: EdgeView | undefined
    if (f.edge !== undefined) {
      const from = serviceOfFile.get(f.edge.from)
      const to = serviceOfFile.get(f.edge.to)
      edge = edges.find((e) => e.from === from && e.to === to)
      view.edge = { from: from ?? f.edge.from, to: to ?? f.edge.to }
    } else if (service !== undefined && section === 'service_user') {
      edge = edges.find((e) => e.from === service)
    } else if (service !== undefined && section === 'keystone_authtoken') {
      edge = edges.find((e) => e.to === service)
    }
    if (edge !== undefined) {
      view.edge = { from: edge.from, to: edge.to }
      edge.findings.push(view)
    } else if (f.edge === undefined && node(service) !== undefined) {
      node(service)?.findings.push(view)
    } else {
      other.push(view)
    }
  }
  for (const n of nodes) if (n.state !== 'unknown') n.state = stateOf(n.findings)
  for (const e of edges) {
    const known = configured && node(e.from)?.config_loaded && node(e.to)?.config_loaded
    // a hop with a file that did not load keeps its findings but counts as not checked
    e.state = known ? stateOf(e.findings) : e.findings.length > 0 ? stateOf(e.findings) : 'unknown'
  }
  const errors = findings.filter((f) => f.severity === 'error').length
  return {
    checked_at: checkedAt,
    configured,
    hint: sources.files.length === 0 ? HINT_NO_FILES : null,
    error,
    files: diagnosis.files.map((f) => ({
      file: f.file,
      roles: [...f.roles],
      service: f.service ?? null,
      loaded: f.loaded !== false,
    })),
    nodes,
    edges,
    other_findings: other,
    summary: { errors, warnings: findings.length - errors },
  }
}
