/**
 * The JSON of `GET /v3/OS-BATON/chains`, shared by the server (chains_report.ts builds it) and the
 * console's Chains view (which imports these types): nothing here imports anything, so the
 * browser bundle's type check reads this file alone.
 * @module
 */

export type ChainSeverity = 'error' | 'warning'

export type ChainState = 'ok' | 'warning' | 'error' | 'unknown'

export type FindingView = {
  severity: ChainSeverity
  file: string
  section: string
  option: string
  problem: string
  fix: string
  /** The hop (service names, or file paths when a file is no chain service's) the finding is on. */
  edge: { from: string; to: string } | null
  /** The service whose config the finding is about; null for identity's and unknown files. */
  service: string | null
}

export type NodeView = {
  name: string
  catalog_type: string
  catalog_name: string | null
  endpoints: { interface: string; url: string; region: string | null }[]
  config_file: string | null
  /** False when the file is missing or does not load: its hops are not checked. */
  config_loaded: boolean
  sends: boolean
  receives: boolean
  state: ChainState
  findings: FindingView[]
}

export type EdgeView = { from: string; to: string; state: ChainState; findings: FindingView[] }

export type ChainsReport = {
  checked_at: string
  /** False without a source or without files: the edges are unknown, `hint` says what to set. */
  configured: boolean
  hint: string | null
  /** The doctor could not run (the edges are unknown then). */
  error: string | null
  files: { file: string; roles: string[]; service: string | null; loaded: boolean }[]
  nodes: NodeView[]
  edges: EdgeView[]
  /** Findings on no drawn hop: identity's own, files of no chain service, hops the chain lacks. */
  other_findings: FindingView[]
  summary: { errors: number; warnings: number }
}
