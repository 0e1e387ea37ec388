/**
 * The console's views, in navigation order. Each is a hash route (`#keys`, `#chains`, ...) that
 * renders into <main> from the JSON it fetches; a view that keeps itself live (polling) stops when
 * `signal` aborts (the user left the view or logged out). Adding a view: one entry here, its module
 * under src/, its styles in a `*.css` file beside console.css (the build concatenates them).
 * @module
 */
import { getJson, type Session } from './api.ts'
import { callsView } from './calls_view.ts'
import { type ChainsReport, chainsView } from './chains_view.ts'
import { type KeysReport, keysView } from './keys_view.ts'
import { loadWindowsView } from './windows_view.ts'

export type ConsoleView = {
  /** The hash route, `#<id>`. */
  readonly id: string
  readonly title: string
  render(session: Session, signal: AbortSignal): Promise<HTMLElement>
}

export const VIEWS: readonly ConsoleView[] = [
  {
    id: 'keys',
    title: 'Keys',
    render: async (session) => keysView(await getJson<KeysReport>('OS-BATON/keys', session.token)),
  },
  {
    id: 'chains',
    title: 'Chains',
    render: async (session) =>
      chainsView(await getJson<ChainsReport>('OS-BATON/chains', session.token)),
  },
  { id: 'calls', title: 'Delegated calls', render: callsView },
  { id: 'windows', title: 'Windows', render: loadWindowsView },
]
