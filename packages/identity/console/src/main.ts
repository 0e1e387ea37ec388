/**
 * The operator console's entry: the shell (header, navigation, who is logged in, log out), the
 * login screen and the Keys view. Later views (Chains, Delegated calls, Windows) join the nav.
 * @module
 */
import {
  ApiError,
  forgetToken,
  getJson,
  resume,
  type Session,
  savedToken,
  saveToken,
} from './api.ts'
import { h, replace } from './dom.ts'
import { type KeysReport, keysView } from './keys_view.ts'
import { loginView } from './login_view.ts'

const app = document.getElementById('app') as HTMLElement

function showLogin(notice?: string): void {
  forgetToken()
  replace(app, loginView({ onSession: enter, notice }))
  const first = app.querySelector<HTMLInputElement>(
    notice === undefined ? '#username' : '#login-alert',
  )
  if (first !== null) {
    if (notice !== undefined) first.tabIndex = -1
    first.focus()
  }
}

function refusal(session: Session): string {
  return `${session.user} (${session.scope}) needs the admin or reader role to use the console: an admin, or a reader on the system. This token has: ${session.roles.join(', ') || 'no roles'}.`
}

function shell(session: Session, content: HTMLElement): HTMLElement {
  const logout = h('button', { type: 'button', class: 'link' }, 'Log out')
  logout.addEventListener('click', () => showLogin())
  const refresh = h('button', { type: 'button' }, 'Refresh')
  refresh.addEventListener('click', () => void enter(session))
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'Baton'),
      h(
        'nav',
        { 'aria-label': 'Console' },
        h('a', { href: '#keys', 'aria-current': 'page' }, 'Keys'),
      ),
      h(
        'div',
        { class: 'who' },
        h('span', {}, `${session.user} · ${session.scope}`),
        refresh,
        logout,
      ),
    ),
    h('main', { id: 'main', tabindex: '-1' }, h('h1', {}, 'Keys'), content),
  )
}

async function enter(session: Session): Promise<void> {
  saveToken(session.token)
  try {
    const report = await getJson<KeysReport>('OS-BATON/keys', session.token)
    replace(app, shell(session, keysView(report)))
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return showLogin(refusal(session))
    if (error instanceof ApiError && error.status === 401) {
      return showLogin('The session ended (the token expired or was revoked). Log in again.')
    }
    showLogin(
      `The Keys view could not load: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

const token = savedToken()
if (token === null) showLogin()
else resume(token).then(enter, () => showLogin())
