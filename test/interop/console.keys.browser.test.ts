/**
 * The operator console in a real browser (Debian's chromium driven by playwright-core) against a
 * live identity server: the admin logs in and sees the token keys (the primary's fingerprint as
 * GET /v3/OS-BATON/keys reports it), a project member is refused with the role message, a login
 * works with the keyboard alone, the page raises no CSP violation and stores nothing beyond the
 * tab. Screenshots at 1280x800 and 390x844 go to test-artifacts/console/ (gitignored).
 * @module
 */
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { rotateKeyRepository } from '@baton/fernet'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build_console.mjs'
import {
  ADMIN_PASSWORD,
  EXPIRATION,
  startTestIdentity,
  type TestIdentity,
  testClock,
  WINDOW,
} from '../support/identity_server.ts'
import { passwordLogin } from '../support/login.ts'
import { ARTIFACTS, CHROMIUM_SKIP, launchChromium, watchedPage } from './support/console_browser.ts'

const skip = CHROMIUM_SKIP

describe('the operator console in chromium', { skip }, () => {
  let identity: TestIdentity
  let browser: Browser

  before(async () => {
    await buildConsole()
    mkdirSync(ARTIFACTS, { recursive: true })
    // the clock starts 2 h 30 min back so that, after the rotation below, it reads about now
    // (the fleet's clock skew compares it with the database's real time)
    identity = await startTestIdentity({ clock: testClock(Date.now() - 9000 * 1000) })
    // one rotation two hours in, so the view has a history to show (three keys, a retired one)
    identity.clock.advance(2 * 3600)
    rotateKeyRepository({
      path: join(
        identity.databaseUrl.replace('sqlite:///', '').replace(/identity\.db$/, ''),
        'keys',
      ),
      maxActiveKeys: 3,
      tokenExpiration: EXPIRATION,
      allowExpiredWindow: WINDOW,
      clock: identity.clock,
      logger: { warn() {} },
    })
    identity.clock.advance(1800)
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await identity?.close()
  })

  /** A fresh tab (its own sessionStorage) that records CSP violations and page errors. */
  async function open(width: number, height: number): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await watchedPage(browser, width, height)
    await page.goto(`${identity.url}/console`)
    await page.locator('#username').waitFor()
    return { page, problems }
  }

  async function logIn(page: Page, name: string, password: string, project = ''): Promise<void> {
    await page.fill('#username', name)
    await page.fill('#password', password)
    await page.fill('#project', project)
    await page.getByRole('button', { name: 'Log in' }).click()
  }

  test('the admin logs in and sees the token keys as the API reports them', async () => {
    const { page, problems } = await open(1280, 800)
    await page.screenshot({ path: `${ARTIFACTS}/login-1280x800.png` })
    await logIn(page, 'admin', ADMIN_PASSWORD)
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    const { token } = await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')
    const response = await fetch(`${identity.url}/v3/OS-BATON/keys`, {
      headers: { 'x-auth-token': token },
    })
    const api = (await response.json()) as {
      token_keys: { keys: { role: string; fingerprint: string }[] }
    }
    const primary = api.token_keys.keys.find((key) => key.role === 'primary')
    assert.ok(primary)
    const row = page.locator('table tbody tr', { hasText: 'primary' }).first()
    assert.equal(await row.locator('.fingerprint').textContent(), primary.fingerprint)
    assert.equal(await page.locator('table').first().locator('tbody tr').count(), 3)
    await page.locator('.event-next').waitFor()
    await page.getByRole('heading', { name: 'Timeline' }).waitFor()
    await page.getByRole('heading', { name: 'Fleet' }).waitFor()
    await page.screenshot({ path: `${ARTIFACTS}/keys-1280x800.png`, fullPage: true })
    // nothing beyond the tab: no cookie, nothing in localStorage; the token in sessionStorage
    assert.deepEqual(await page.context().cookies(), [])
    assert.equal(await page.evaluate<number>('localStorage.length'), 0)
    assert.equal(await page.evaluate<number>('sessionStorage.length'), 1)
    assert.deepEqual(problems, [], 'no CSP violation or script error')
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.locator('#username').waitFor()
    assert.equal(await page.evaluate<number>('sessionStorage.length'), 0)
    await page.context().close()
  })

  test('at a phone width the keys view stacks and stays readable', async () => {
    const { page, problems } = await open(390, 844)
    await logIn(page, 'admin', ADMIN_PASSWORD)
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    // no sideways scrolling of the page itself
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`)
    await page.screenshot({ path: `${ARTIFACTS}/keys-390x844.png`, fullPage: true })
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  test('a project member is refused: needs the admin or reader role', async () => {
    const { page } = await open(1280, 800)
    const alice = identity.users.alice
    await logIn(page, alice.name, alice.password, 'demo')
    const alert = page.getByRole('alert')
    await alert.filter({ hasText: 'needs the admin or reader role' }).waitFor()
    assert.equal(await page.locator('table').count(), 0)
    assert.equal(
      await page.evaluate<number>('sessionStorage.length'),
      0,
      'the refused token is dropped',
    )
    await page.screenshot({ path: `${ARTIFACTS}/refused-1280x800.png` })
    await page.context().close()
  })

  test('an existing token pasted in opens the Keys view; a junk one is refused', async () => {
    const { page } = await open(1280, 800)
    await page.fill('#token', 'not-a-token')
    await page.getByRole('button', { name: 'Use token' }).click()
    await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor()
    const { token } = await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')
    await page.fill('#token', token)
    await page.getByRole('button', { name: 'Use token' }).click()
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    assert.match(String(await page.locator('.who').textContent()), /admin · project admin/)
    await page.context().close()
  })

  test('a login with the keyboard only (Tab, Enter)', async () => {
    const { page } = await open(1280, 800)
    // the username field has the focus on arrival
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'username')
    await page.keyboard.type('admin')
    await page.keyboard.press('Tab')
    await page.keyboard.type(ADMIN_PASSWORD)
    await page.keyboard.press('Tab') // domain (Default)
    await page.keyboard.press('Tab') // project (empty: system scope)
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'project')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    // the header's controls are reachable by Tab too
    await page.keyboard.press('Tab')
    const focused = await page.evaluate<string>("document.activeElement?.textContent ?? ''")
    assert.ok(focused.length > 0)
    await page.context().close()
  })
})
