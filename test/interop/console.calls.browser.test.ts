/**
 * The console's Delegated calls and Windows views in a real browser (Debian's chromium driven by
 * playwright-core) against a LIVE `baton up` (a real process: identity and four services, each its
 * own process). The cloud is brought up once to write its configs, then restarted with three of
 * them edited as an operator would (15 s tokens instead of an hour, the senders on plain
 * service tokens rather than delegation, a throttled volume copy), so the long-job story of
 * `baton demo long-job` (its runLongJob, run here against this cloud: the demo command itself
 * always makes throw-away clouds of its own) lets expired tokens in. The admin logs in, opens
 * Delegated calls and sees the story's calls appear without a reload (the live poll), filters by
 * outcome and service, opens a request's hops with the keyboard; the Windows view shows the
 * receivers that let expired tokens in, with their lateness against the window. The volume
 * service's /metrics counted the expired tokens it let in. Screenshots at 1280x800 and 390x844 go
 * to test-artifacts/console/ (gitignored).
 * @module
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { runLongJob } from '../../packages/cli/src/demo/long_job.ts'
import { type CloudPlan, PROGRAMS, urlOf } from '../../packages/cli/src/local_cloud/plan.ts'
import { readSecrets } from '../../packages/cli/src/local_cloud/secrets.ts'
import { buildConsole } from '../../scripts/build_console.mjs'
import { startUp, type UpProcess } from '../cli/up_harness.ts'
import { ARTIFACTS, CHROMIUM_SKIP, launchChromium, watchedPage } from './support/console_browser.ts'

const READY = /Ctrl-C stops everything\./
const IMAGE_BYTES = 192 * 1024
/** Bytes per second: the volume copy takes 24 s at least (longer on a busy machine). */
const COPY_RATE = Math.round(IMAGE_BYTES / 24)
/** `[token] expiration` of the edited cloud: the user's token expires during the copy. */
const TOKEN_SECONDS = 15
const skip = CHROMIUM_SKIP

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  assert.ok(address !== null && typeof address === 'object')
  return address.port
}

/** One edit an operator makes to a config `baton up` wrote (it keeps edited files). */
function edit(file: string, from: RegExp, to: string): void {
  const text = readFileSync(file, 'utf8')
  assert.match(text, from, file)
  writeFileSync(file, text.replace(from, to))
}

async function stopUp(up: UpProcess): Promise<void> {
  if (up.child.exitCode !== null || up.child.signalCode !== null) return
  up.child.kill('SIGINT')
  await up.exited
}

/** The sum of a Prometheus counter's series in a /metrics text. */
function counter(text: string, name: string): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (Number.isFinite(value)) sum += value
  }
  return sum
}

describe('the Delegated calls and Windows views against a live baton up', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-console-calls-'))
  const args: string[] = ['--data-dir', dataDir, '--any-ports']
  let up: UpProcess | undefined
  let browser: Browser
  let plan: CloudPlan
  let adminPassword: string
  let story: ReturnType<typeof runLongJob> | undefined

  before(async () => {
    await buildConsole()
    mkdirSync(ARTIFACTS, { recursive: true })
    args.push('--port', String(await freePort()))
    // first run: configs, keys, bootstrap; then the operator's edits, and the cloud again
    const first = startUp(args)
    try {
      await first.waitFor(READY, 180_000)
    } finally {
      await stopUp(first)
    }
    const conf = (program: string) => join(dataDir, `${program}.conf`)
    edit(conf('identity'), /^expiration = 3600$/m, `expiration = ${TOKEN_SECONDS}`)
    for (const sender of ['compute', 'volume', 'image']) {
      edit(conf(sender), /^delegate = true$/m, 'delegate = false')
    }
    // the volume copy outlives the user's token: four ranged reads over about 40 s
    edit(conf('volume'), /^copy_bytes_per_second = 0$/m, `copy_bytes_per_second = ${COPY_RATE}`)
    edit(conf('volume'), /^copy_chunk_bytes = 0$/m, `copy_chunk_bytes = ${IMAGE_BYTES / 4}`)
    up = startUp(args)
    await up.waitFor(READY, 180_000)
    const port = (program: string) => {
      const text = readFileSync(conf(program), 'utf8')
      const found = program === 'identity' ? args.at(-1) : /^port = (\d+)$/m.exec(text)?.[1]
      assert.ok(found, `no port in ${program}.conf`)
      return Number(found)
    }
    plan = {
      dataDir,
      host: '127.0.0.1',
      ports: Object.fromEntries(PROGRAMS.map((p) => [p, port(p)])) as CloudPlan['ports'],
      tokenExpiration: TOKEN_SECONDS,
      allowExpiredWindow: 172800,
      maxActiveKeys: 5,
      copyBytesPerSecond: COPY_RATE,
      copyChunkBytes: IMAGE_BYTES / 4,
      sendServiceUserToken: true,
      delegate: false,
    }
    const secrets = readSecrets(dataDir)
    assert.ok(secrets)
    adminPassword = secrets.admin
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await story?.catch(() => {})
    if (up !== undefined) await stopUp(up)
    if (process.env.BATON_KEEP_TEST_CLOUD === undefined)
      rmSync(dataDir, { recursive: true, force: true })
    else console.log(`kept ${dataDir}`)
  })

  /**
   * A fresh tab logged in as admin (system scope), recording CSP violations and page errors. The
   * cloud's tokens live 15 s, so the console's own session ends during the test: 401s are expected
   * (the view then asks for a login again) and `logIn` starts a fresh session on a given view.
   */
  const open = (width: number, height: number) => watchedPage(browser, width, height, [401])

  async function logIn(
    page: Page,
    view: 'keys' | 'chains' | 'calls' | 'windows',
    title: string,
  ): Promise<void> {
    await page.goto(`${urlOf(plan, 'identity')}/console/#${view}`)
    await page.evaluate('sessionStorage.clear()')
    await page.reload()
    await page.fill('#username', 'admin')
    await page.fill('#password', adminPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: title, level: 1 }).waitFor()
  }

  const rows = (page: Page) => page.locator('table.calls > tbody > tr.call')
  const LATE = /yes, \d+ (s|min) late/

  test('the story’s calls appear live; filters; hops by keyboard; windows; metrics', {
    timeout: 400_000,
  }, async () => {
    const metrics = async () =>
      counter(
        await (await fetch(`${urlOf(plan, 'volume')}/metrics`)).text(),
        'baton_middleware_expired_tokens_accepted_total',
      )
    const acceptedBefore = await metrics()
    const { page, problems } = await open(1280, 800)
    await logIn(page, 'calls', 'Delegated calls')
    await page
      .locator('.live')
      .filter({ hasText: /Live: updated/ })
      .waitFor()
    const before = await rows(page).count()
    // a mark on the document: still there after the calls appear, so no reload happened
    await page.evaluate("document.documentElement.setAttribute('data-test-mark', 'kept')")

    story = runLongJob(
      {
        plan,
        secrets: readSecrets(dataDir) ?? assert.fail('no secrets'),
        programs: [],
        stop: async () => {},
      },
      { line: () => {}, write: () => {}, isTTY: false },
    )
    // awaited below; a failure before that is settled in after(), before the cloud stops
    story.catch(() => {})
    // the live poll shows the story's first calls while it runs
    await rows(page).nth(before).waitFor({ timeout: 60_000 })
    await page.locator('tr.call.fresh .new-badge').first().waitFor()
    assert.equal(
      await page.evaluate("document.documentElement.getAttribute('data-test-mark')"),
      'kept',
      'the calls came by the live poll, not a reload',
    )
    const result = await story
    assert.equal(result.status, 'ACTIVE', String(result.fault))
    assert.ok(result.expiredAcceptedBy.length > 0, 'the story let an expired token in')
    // the story outlived the console's own 15 s token: the live view sent it back to the login
    await page
      .locator('#login-alert')
      .filter({ hasText: /session ended/ })
      .waitFor()
    await logIn(page, 'calls', 'Delegated calls')
    // the calls on which an expired token was let in, with how late
    await page.locator('tr.call').filter({ hasText: LATE }).first().waitFor({ timeout: 30_000 })

    /** Sets the form, submits it and waits for the answer to be drawn. */
    async function filter(values: Record<string, string>): Promise<string[]> {
      for (const [name, value] of Object.entries(values)) {
        await page.selectOption(`#filter-${name}`, value)
      }
      const answered = page.waitForResponse((response) => {
        const url = new URL(response.url())
        return (
          url.pathname.endsWith('/OS-BATON/calls') &&
          Object.entries(values).every(([k, v]) => (url.searchParams.get(k) ?? '') === v)
        )
      })
      await page.getByRole('button', { name: 'Filter' }).click()
      await (await answered).finished()
      await page.waitForTimeout(200)
      return rows(page).allTextContents()
    }

    // filter: calls where an expired token was let in, at the image service
    const atImage = await filter({ expired_let_in: 'true', service: 'image', outcome: '' })
    assert.ok(atImage.length > 0)
    for (const text of atImage) assert.match(text, /image/)
    for (const text of atImage) assert.match(text, LATE)
    // outcome error: only calls with a failed hop (the story itself succeeded)
    const failed = await filter({ expired_let_in: '', service: '', outcome: 'error' })
    for (const text of failed) assert.match(text, /error/)
    const ok = await filter({ expired_let_in: '', service: '', outcome: 'ok' })
    assert.ok(ok.length > 0)
    for (const text of ok) assert.doesNotMatch(text, /error/)
    const late = await filter({ expired_let_in: 'true', service: '', outcome: '' })
    assert.ok(late.length > 0)
    for (const text of late) assert.match(text, LATE)

    // the keyboard alone: Tab to the first call's toggle, Enter opens its hops
    await page.locator('#filter-expired_let_in').focus()
    let onToggle = false
    for (let i = 0; i < 20 && !onToggle; i++) {
      await page.keyboard.press('Tab')
      onToggle = await page.evaluate<boolean>(
        "document.activeElement?.classList.contains('toggle') === true",
      )
    }
    assert.ok(onToggle, 'Tab reaches a call’s toggle')
    await page.keyboard.press('Enter')
    const hops = page.locator('tr.hops-row table.hops')
    await hops.waitFor()
    assert.equal(
      await page.evaluate("document.activeElement?.getAttribute('aria-expanded')"),
      'true',
    )
    const hopText = (await hops.textContent()) ?? ''
    assert.match(hopText, /received GET/)
    assert.match(hopText, LATE)
    assert.match(hopText, /demo/, 'the user named through the store')
    assert.match(hopText, /cinder|glance|nova/, 'the service user named')
    await page.screenshot({ path: `${ARTIFACTS}/calls-1280.png`, fullPage: true })

    // Windows: the receivers that let expired tokens in, with their lateness against 2 d
    await logIn(page, 'windows', 'Windows')
    for (const service of result.expiredAcceptedBy) {
      const card = page.locator('section.receiver', {
        has: page.getByRole('heading', { name: new RegExp(`^${service}`) }),
      })
      await card.waitFor()
      assert.match((await card.textContent()) ?? '', /expired let in/)
      assert.match(
        (await card.locator('.verdict').textContent()) ?? '',
        /^Max lateness .* of a 2 d window: the window could shrink to/,
      )
      assert.equal(await card.locator('svg.histogram-wide .window-marker').count(), 1)
    }
    await page.screenshot({ path: `${ARTIFACTS}/windows-1280.png`, fullPage: true })
    // the four views of this live cloud at 1280x800 (the README's pictures come from these)
    await page.screenshot({ path: `${ARTIFACTS}/tour-windows.png` })
    await logIn(page, 'keys', 'Keys')
    await page.locator('.keys').waitFor()
    await page.screenshot({ path: `${ARTIFACTS}/tour-keys.png` })
    await logIn(page, 'chains', 'Chains')
    await page.locator('text=/hops? ok/').first().waitFor({ timeout: 60_000 })
    await page.screenshot({ path: `${ARTIFACTS}/tour-chains.png` })
    await logIn(page, 'calls', 'Delegated calls')
    await page.selectOption('#filter-expired_let_in', 'true')
    await page.getByRole('button', { name: 'Filter' }).click()
    await rows(page).filter({ hasText: LATE }).first().waitFor()
    await page.locator('button.toggle').first().click()
    await page.locator('tr.hops-row').waitFor()
    await page.screenshot({ path: `${ARTIFACTS}/tour-calls.png` })
    assert.deepEqual(problems, [], 'no CSP violation or script error')
    await page.context().close()

    // the volume service counted the expired tokens it let in
    assert.ok(
      (await metrics()) > acceptedBefore,
      'baton_middleware_expired_tokens_accepted_total moved',
    )

    // a phone
    const phone = await open(390, 844)
    await logIn(phone.page, 'calls', 'Delegated calls')
    await rows(phone.page).first().waitFor()
    // the story's long call alone (a hundred calls stacked would make a very tall picture)
    await phone.page.selectOption('#filter-expired_let_in', 'true')
    await phone.page.getByRole('button', { name: 'Filter' }).click()
    await rows(phone.page).filter({ hasText: LATE }).first().waitFor()
    await phone.page.locator('button.toggle').first().click()
    await phone.page.locator('tr.hops-row').waitFor()
    await phone.page.screenshot({ path: `${ARTIFACTS}/calls-390.png`, fullPage: true })
    await logIn(phone.page, 'windows', 'Windows')
    await phone.page.locator('section.receiver').first().waitFor()
    await phone.page.screenshot({ path: `${ARTIFACTS}/windows-390.png`, fullPage: true })
    assert.deepEqual(phone.problems, [], 'no CSP violation or script error')
    await phone.page.context().close()
  })
})
