/**
 * The login screen: username, password and domain (and a project, or none for a system-scoped
 * token), or an existing token pasted in. Real form controls with labels, so Tab and Enter work.
 * @module
 */
import { ApiError, logIn, resume, type Session } from './api.ts'
import { h } from './dom.ts'

export type LoginOptions = {
  readonly onSession: (session: Session) => void
  /** Shown above the forms (a refusal, an expired session). */
  readonly notice?: string | undefined
}

function field(label: string, id: string, attributes: Record<string, string | boolean>) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name: id, ...attributes }),
  )
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) {
    return `The server refused these credentials: ${error.message}`
  }
  return error instanceof Error ? error.message : String(error)
}

export function loginView(options: LoginOptions): HTMLElement {
  const alert = h('p', { class: 'alert', role: 'alert', id: 'login-alert' })
  if (options.notice !== undefined) alert.textContent = options.notice
  else alert.hidden = true
  const fail = (error: unknown) => {
    alert.hidden = false
    alert.textContent = messageOf(error)
  }

  const passwordForm = h(
    'form',
    { class: 'card', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Log in'),
    field('Username', 'username', { autocomplete: 'username', required: true }),
    field('Password', 'password', {
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    field('Domain', 'domain', { value: 'Default', required: true }),
    field('Project (empty: system scope)', 'project', { placeholder: 'system' }),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
  )
  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(passwordForm)
    const text = (name: string) => String(data.get(name) ?? '').trim()
    busy(passwordForm, true)
    logIn({
      username: text('username'),
      password: String(data.get('password') ?? ''),
      domain: text('domain'),
      project: text('project'),
    })
      .then(options.onSession, fail)
      .finally(() => busy(passwordForm, false))
  })

  const tokenForm = h(
    'form',
    { class: 'card', 'aria-labelledby': 'token-title' },
    h('h2', { id: 'token-title' }, 'Or use a token'),
    field('Existing token', 'token', { autocomplete: 'off', spellcheck: 'false', required: true }),
    h('button', { type: 'submit' }, 'Use token'),
  )
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const token = String(new FormData(tokenForm).get('token') ?? '').trim()
    busy(tokenForm, true)
    resume(token)
      .then(options.onSession, fail)
      .finally(() => busy(tokenForm, false))
  })

  return h(
    'main',
    { id: 'main', class: 'login' },
    h('h1', {}, 'Baton operator console'),
    h('p', { class: 'lede' }, 'For users with the admin or reader role.'),
    alert,
    h('div', { class: 'login-forms' }, passwordForm, tokenForm),
    h(
      'p',
      { class: 'fine' },
      'The token stays in this tab only (sessionStorage); closing the tab or logging out forgets it.',
    ),
  )
}

function busy(form: HTMLFormElement, on: boolean): void {
  for (const button of form.querySelectorAll('button')) button.disabled = on
  form.setAttribute('aria-busy', String(on))
}
