/**
 * The console's entry: the shell (header, navigation, who is logged in, log out), the login screen
 * and the hash router over the views in views.ts. A 401 from any view ends the session (back to
 * login); a 403 says which roles the console needs; other failures stay inside the view.
 * @module
 */
import {
  ApiError,
  forgetToken,
  resume,
  SESSION_ENDED,
  type Session,
  savedToken,
  saveToken,
} from './api.ts'
import { h, replace } from './dom.ts'
import { loginView } from './login_view.ts'
import { type ConsoleView, VIEWS } from './views.ts'

const app = document.getElementById('app') as HTMLElement
/** Aborted when the shown view changes, so a live view stops polling. */
let current: AbortController | undefined
let session: Session | undefined

function showLogin(notice?: string): void {
  current?.abort()
  session = undefined
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

function refusal(who: Session): string {
  return `${who.user} (${who.scope}) needs the admin or reader role to use the console: an admin, or a reader on the system. This token has: ${who.roles.join(', ') || 'no roles'}.`
}

function viewOfHash(): ConsoleView {
  const id = location.hash.replace(/^#/, '')
  return VIEWS.find((view) => view.id === id) ?? (VIEWS[0] as ConsoleView)
}

function shell(who: Session, view: ConsoleView, content: HTMLElement): HTMLElement {
  const logout = h('button', { type: 'button', class: 'link' }, 'Log out')
  logout.addEventListener('click', () => showLogin())
  const refresh = h('button', { type: 'button' }, 'Refresh')
  refresh.addEventListener('click', () => void show(who))
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
        ...VIEWS.map((each) =>
          h(
            'a',
            { href: `#${each.id}`, 'aria-current': each === view ? 'page' : undefined },
            each.title,
          ),
        ),
      ),
      h('div', { class: 'who' }, h('span', {}, `${who.user} · ${who.scope}`), refresh, logout),
    ),
    h('main', { id: 'main', tabindex: '-1' }, h('h1', {}, view.title), content),
  )
}

/**
 * While a view loads (the Chains view runs the doctor: seconds), the page says so, and Refresh
 * waits; the rendered view replaces the notice.
 */
function showBusy(view: ConsoleView): void {
  const main = document.getElementById('main')
  if (main === null) return
  main.setAttribute('aria-busy', 'true')
  main.prepend(h('p', { class: 'busy', role: 'status' }, `Loading ${view.title}…`))
  for (const button of app.querySelectorAll<HTMLButtonElement>('.who button:not(.link)')) {
    button.disabled = true
  }
}

/** Renders the view the hash names; the first view when the hash names none. */
async function show(who: Session): Promise<void> {
  current?.abort()
  const controller = new AbortController()
  current = controller
  const view = viewOfHash()
  showBusy(view)
  try {
    const content = await view.render(who, controller.signal)
    if (controller.signal.aborted) return
    replace(app, shell(who, view, content))
    document.title = `${view.title} · Baton console`
  } catch (error) {
    if (controller.signal.aborted) return
    if (error instanceof ApiError && error.status === 403) return showLogin(refusal(who))
    if (error instanceof ApiError && error.status === 401) {
      return showLogin('The session ended (the token expired or was revoked). Log in again.')
    }
    const why = error instanceof Error ? error.message : String(error)
    replace(
      app,
      shell(
        who,
        view,
        h('p', { class: 'alert', role: 'alert' }, `The ${view.title} view could not load: ${why}`),
      ),
    )
  }
}

async function enter(who: Session): Promise<void> {
  saveToken(who.token)
  session = who
  await show(who)
}

// a live view whose poll got a 401 (the token expired or was revoked) ends the session
window.addEventListener(SESSION_ENDED, () => {
  if (session !== undefined)
    showLogin('The session ended (the token expired or was revoked). Log in again.')
})

window.addEventListener('hashchange', () => {
  if (session === undefined) return
  // keyboard users land on the new view's content, not back at the top of the page
  void show(session).then(() => document.getElementById('main')?.focus())
})

const token = savedToken()
if (token === null) showLogin()
else resume(token).then(enter, () => showLogin())
