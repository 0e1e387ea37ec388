/**
 * The console's Chains view in a real browser (Debian's chromium driven by playwright-core)
 * against a live `baton up` (a real process: identity and the four reference services): the admin
 * logs in and sees the keys, opens Chains and sees every hop ok; volume.conf is broken on disk
 * (`[keystone_authtoken] service_token_roles_required = false`), Refresh turns the compute ->
 * volume hop red, and Tab + Enter on that hop shows the doctor's finding and its fix; the file
 * restored, the hop is green again. At a phone width the chain runs downwards without sideways
 * scrolling. No CSP violation or script error. Screenshots in test-artifacts/console/.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { buildConsole } from '../../scripts/build_console.mjs'
import { startUp, type UpProcess } from '../cli/up_harness.ts'
import { ARTIFACTS, CHROMIUM_SKIP, launchChromium, watchedPage } from './support/console_browser.ts'

const skip = CHROMIUM_SKIP

describe('the Chains view in chromium against baton up', { skip, timeout: 300_000 }, () => {
  let dataDir: string
  let up: UpProcess
  let browser: Browser
  let consoleUrl: string
  let adminPassword: string

  before(async () => {
    await buildConsole()
    mkdirSync(ARTIFACTS, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), 'baton-console-chains-'))
    up = startUp(['--data-dir', dataDir, '--any-ports'])
    await up.waitFor(/Ctrl-C stops everything\./, 200_000)
    const out = up.stdout()
    consoleUrl = /^ {2}console +(\S+)/m.exec(out)?.[1] ?? ''
    adminPassword = /export OS_PASSWORD=(\S+)/.exec(out)?.[1] ?? ''
    assert.match(consoleUrl, /^http:\/\/127\.0\.0\.1:\d+\/console\/$/, out)
    assert.ok(adminPassword.length > 0, out)
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    if (up !== undefined && up.child.exitCode === null) {
      up.child.kill('SIGINT')
      await up.exited
    }
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  /** A fresh tab logged in as the admin (system scope), on the Keys view; records problems. */
  async function logIn(width: number, height: number): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await watchedPage(browser, width, height)
    await page.goto(consoleUrl)
    await page.locator('#username').waitFor()
    await page.fill('#username', 'admin')
    await page.fill('#password', adminPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    return { page, problems }
  }

  const volumeConf = () => join(dataDir, 'volume.conf')

  /** volume.conf with its middleware accepting any token as a service token (a doctor error). */
  function breakVolume(original: string): void {
    const line = 'service_token_roles_required = false'
    const broken = /^service_token_roles_required\s*=.*$/m.test(original)
      ? original.replace(/^service_token_roles_required\s*=.*$/m, line)
      : original.replace(/^\[keystone_authtoken\]$/m, `[keystone_authtoken]\n${line}`)
    assert.notEqual(broken, original)
    writeFileSync(volumeConf(), broken)
  }

  test('log in, see the keys, see every hop ok, break volume.conf, see the hop red, restore it', async () => {
    const { page, problems } = await logIn(1280, 800)
    // the keys: the Keys view's table has a primary key
    await page.locator('table tbody tr', { hasText: 'primary' }).first().waitFor()
    await page.getByRole('link', { name: 'Chains' }).click()
    await page.getByRole('heading', { name: 'Chains', level: 1 }).waitFor()
    const hop = page.locator('[data-edge="compute-volume"]')
    await hop.waitFor()
    assert.equal(await page.locator('.edge.edge-ok').count(), 3, 'three hops ok')
    assert.equal(await page.locator('.edge').count(), 3)
    assert.match(String(await hop.textContent()), /^ok$/)
    await page.screenshot({ path: `${ARTIFACTS}/chains-1280.png`, fullPage: true })

    const original = readFileSync(volumeConf(), 'utf8')
    try {
      breakVolume(original)
      await page.getByRole('button', { name: 'Refresh' }).click()
      await page.locator('[data-edge="compute-volume"].edge-error').waitFor()
      assert.match(String(await hop.textContent()), /error · 1 finding/)
      assert.equal(
        await page.locator('[data-edge="volume-image"]').getAttribute('class'),
        'edge edge-ok',
      )
      // keyboard: from the compute node, Tab reaches the hop, Enter opens its finding and fix
      await page.locator('[data-node="compute"]').focus()
      await page.keyboard.press('Tab')
      assert.equal(
        await page.evaluate<string | undefined>('document.activeElement?.dataset.edge'),
        'compute-volume',
      )
      await page.keyboard.press('Enter')
      const details = page.locator('#chain-details')
      await details.getByRole('heading', { name: 'compute → volume: error' }).waitFor()
      const text = String(await details.textContent())
      assert.match(text, /\[keystone_authtoken\] service_token_roles_required/)
      assert.match(text, /Fix: set \[keystone_authtoken\] service_token_roles_required = true/)
      assert.equal(await hop.getAttribute('aria-pressed'), 'true')
      // the plain table lists it too, with its hop
      const row = page.locator('.findings-table tbody tr', { hasText: 'compute → volume' })
      assert.equal(await row.count(), 1)
      await page.screenshot({ path: `${ARTIFACTS}/chains-broken-1280.png`, fullPage: true })
    } finally {
      writeFileSync(volumeConf(), original)
    }
    await page.getByRole('button', { name: 'Refresh' }).click()
    await page.locator('[data-edge="compute-volume"].edge-ok').waitFor()
    assert.equal(await page.locator('.edge.edge-ok').count(), 3, 'green again')
    assert.deepEqual(problems, [], 'no CSP violation or script error')
    await page.context().close()
  })

  test('at a phone width the chain runs downwards and the page does not scroll sideways', async () => {
    const { page, problems } = await logIn(390, 844)
    await page.getByRole('link', { name: 'Chains' }).click()
    await page.locator('[data-edge="image-object"]').waitFor()
    const compute = await page.locator('[data-node="compute"]').boundingBox()
    const volume = await page.locator('[data-node="volume"]').boundingBox()
    assert.ok(compute !== null && volume !== null)
    assert.ok(volume.y > compute.y + compute.height, 'volume is below compute')
    await page.locator('[data-edge="compute-volume"]').click()
    await page
      .locator('#chain-details')
      .getByRole('heading', { name: /compute → volume/ })
      .waitFor()
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`)
    await page.screenshot({ path: `${ARTIFACTS}/chains-390.png`, fullPage: true })
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
