/**
 * The Chains view: the services of the delegation chain (compute -> volume -> image -> object) as a
 * row of nodes joined by hops, each hop coloured and labelled by `baton doctor`'s findings on it
 * (ok, warning, error: a word beside every colour), the findings and their fixes in a panel when a
 * hop or a service is chosen (buttons: Tab, Enter), and every finding again in a plain table below
 * for screen readers and phones. Reads `GET /v3/OS-BATON/chains`, which reads the configs afresh.
 * @module
 */

import type {
  EdgeView as ChainEdge,
  NodeView as ChainNode,
  ChainsReport,
  FindingView as Finding,
  ChainState as State,
} from '../../src/operations/chains_view_types.ts'
import { type Child, h, replace } from './dom.ts'
import { utc } from './format.ts'

export type { ChainsReport }

const STATE_TEXT: Readonly<Record<State, string>> = {
  ok: 'ok',
  warning: 'warning',
  error: 'error',
  unknown: 'not checked',
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function where(f: Finding, report: ChainsReport): string {
  if (f.edge !== null) return `${f.edge.from} → ${f.edge.to}`
  if (f.service !== null) return f.service
  const roles = report.files.find((file) => file.file === f.file)?.roles ?? []
  return roles.includes('identity') ? 'identity' : 'no service of the chain'
}

function findingBlock(f: Finding): HTMLElement {
  return h(
    'li',
    { class: `finding finding-${f.severity}` },
    h(
      'p',
      { class: 'finding-head' },
      h('span', { class: `state state-${f.severity}` }, f.severity),
      ' ',
      h('code', {}, `${f.file} [${f.section}] ${f.option}`),
    ),
    h('p', {}, h('strong', {}, 'Problem: '), f.problem),
    h('p', {}, h('strong', {}, 'Fix: '), h('code', { class: 'fix' }, f.fix)),
  )
}

function findingList(findings: readonly Finding[], none: string): HTMLElement {
  if (findings.length === 0) return h('p', { class: 'muted' }, none)
  return h('ul', { class: 'findings' }, ...findings.map(findingBlock))
}

function edgeDetails(edge: ChainEdge): HTMLElement[] {
  return [
    h('h2', {}, `${edge.from} → ${edge.to}: ${STATE_TEXT[edge.state]}`),
    h(
      'p',
      { class: 'muted' },
      `${edge.from} calls ${edge.to} with the user's token and its own service token ([service_user] of ${edge.from}, checked by [keystone_authtoken] of ${edge.to}).`,
    ),
    findingList(
      edge.findings,
      edge.state === 'unknown'
        ? 'Not checked: a config file of this hop is not configured.'
        : 'No findings: this hop is configured as the doctor expects.',
    ),
  ]
}

function nodeDetails(node: ChainNode): HTMLElement[] {
  return [
    h('h2', {}, `${node.name}: ${STATE_TEXT[node.state]}`),
    h(
      'dl',
      { class: 'node-facts' },
      h('dt', {}, 'Catalog'),
      h(
        'dd',
        {},
        `${node.catalog_type}${node.catalog_name === null ? '' : ` (${node.catalog_name})`}`,
      ),
      h('dt', {}, 'Endpoints'),
      h(
        'dd',
        {},
        node.endpoints.length === 0
          ? 'none in the catalog'
          : h(
              'ul',
              { class: 'plain' },
              ...node.endpoints.map((e) => h('li', {}, `${e.interface}: `, h('code', {}, e.url))),
            ),
      ),
      h('dt', {}, 'Config file'),
      h(
        'dd',
        {},
        node.config_file === null ? 'not configured' : h('code', {}, node.config_file),
        node.config_file !== null && !node.config_loaded ? ' (not read: see the finding)' : '',
      ),
      h('dt', {}, 'Sends'),
      h('dd', {}, node.sends ? 'service tokens ([service_user])' : 'no [service_user]'),
      h('dt', {}, 'Receives'),
      h(
        'dd',
        {},
        node.receives ? 'checks tokens ([keystone_authtoken])' : 'no [keystone_authtoken]',
      ),
    ),
    findingList(node.findings, 'No findings on this service outside its hops.'),
  ]
}

/** The graph: nodes and hops as buttons in call order; choosing one fills `details`. */
function graph(report: ChainsReport, details: HTMLElement): HTMLElement {
  const buttons: HTMLButtonElement[] = []
  const choose = (button: HTMLButtonElement, content: HTMLElement[]) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b === button))
    replace(details, ...content)
  }
  const items: HTMLElement[] = []
  report.nodes.forEach((node, i) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: `node node-${node.state}`,
        'aria-pressed': 'false',
        'aria-controls': 'chain-details',
        'data-node': node.name,
      },
      h('span', { class: 'node-name' }, node.name),
      h('span', { class: 'node-type' }, node.catalog_type),
      h('span', { class: `state state-${node.state}` }, STATE_TEXT[node.state]),
    )
    button.addEventListener('click', () => choose(button, nodeDetails(node)))
    buttons.push(button)
    items.push(h('li', { class: 'chain-node' }, button))
    const edge = report.edges.find((e) => e.from === node.name && i < report.nodes.length - 1)
    if (edge === undefined) return
    const findings = edge.findings.length
    const label = `${STATE_TEXT[edge.state]}${findings === 0 ? '' : ` · ${count(findings, 'finding')}`}`
    const hop = h(
      'button',
      {
        type: 'button',
        class: `edge edge-${edge.state}`,
        'aria-pressed': 'false',
        'aria-controls': 'chain-details',
        'aria-label': `hop ${edge.from} to ${edge.to}: ${label}`,
        'data-edge': `${edge.from}-${edge.to}`,
      },
      h('span', { class: 'edge-line', 'aria-hidden': 'true' }),
      h('span', { class: `state state-${edge.state}` }, label),
    )
    hop.addEventListener('click', () => choose(hop, edgeDetails(edge)))
    buttons.push(hop)
    items.push(h('li', { class: 'chain-edge' }, hop))
  })
  return h('ol', { class: 'chain', 'aria-label': 'The delegation chain, in call order' }, ...items)
}

function findingsTable(report: ChainsReport): Child {
  const all = [
    ...report.edges.flatMap((e) => e.findings),
    ...report.nodes.flatMap((n) => n.findings),
    ...report.other_findings,
  ]
  if (all.length === 0) {
    return h('p', {}, report.configured ? 'No findings.' : 'Nothing was checked.')
  }
  const headers = ['Severity', 'Where', 'File, section, option', 'Problem', 'Fix']
  const rows: Child[][] = all.map((f) => [
    h('span', { class: `state state-${f.severity}` }, f.severity),
    where(f, report),
    h('code', {}, `${f.file} [${f.section}] ${f.option}`),
    f.problem,
    h('code', { class: 'fix' }, f.fix),
  ])
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'stack findings-table' },
      h('caption', {}, 'Every finding of the doctor, hop by hop'),
      h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...rows.map((cells) =>
          h('tr', {}, ...cells.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell))),
        ),
      ),
    ),
  )
}

function summary(report: ChainsReport): HTMLElement {
  const bad = report.edges.filter((e) => e.state === 'error' || e.state === 'warning').length
  const text = !report.configured
    ? 'The hops are not checked.'
    : `${count(report.edges.length - bad, 'hop')} ok, ${bad} with findings; ${count(report.summary.errors, 'error')}, ${count(report.summary.warnings, 'warning')} in ${count(report.files.length, 'config file')}.`
  return h(
    'p',
    { class: 'lede', role: 'status' },
    text,
    ' ',
    h('small', {}, `Checked ${utc(report.checked_at)}; Refresh reads the configs again.`),
  )
}

export function chainsView(report: ChainsReport): HTMLElement {
  const details = h(
    'section',
    { id: 'chain-details', class: 'card chain-details', 'aria-live': 'polite' },
    h('h2', {}, 'Details'),
    h(
      'p',
      { class: 'muted' },
      'Choose a hop or a service (Tab, then Enter) to see its findings and their fixes.',
    ),
  )
  return h(
    'div',
    { class: 'chains' },
    summary(report),
    report.error === null
      ? null
      : h('p', { class: 'alert', role: 'alert' }, `The doctor could not run: ${report.error}`),
    report.hint === null ? null : h('p', { class: 'alert' }, report.hint),
    h('section', { class: 'card' }, h('h2', {}, 'Chain'), graph(report, details)),
    details,
    h('section', { class: 'card' }, h('h2', {}, 'Findings'), findingsTable(report)),
  )
}
