/**
 * What the operator console's browser tests share: Debian's chromium (skipped, saying so, where it
 * is not installed), where screenshots go, and a fresh tab (its own sessionStorage) that records
 * script errors, CSP violations and refused requests, which every test asserts are none.
 * @module
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = 'test-artifacts/console'

/** `describe`'s skip: false, or why the browser tests cannot run here. */
export const CHROMIUM_SKIP = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not found: apt-get install chromium (the console's browser test)`

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}

export type WatchedPage = { readonly page: Page; readonly problems: string[] }

/**
 * A tab at `width` x `height`; `problems` collects console errors, page errors and answers of 400
 * or more (but those in `expectedStatuses`, e.g. the 401 of a session that ran out).
 */
export async function watchedPage(
  browser: Browser,
  width: number,
  height: number,
  expectedStatuses: readonly number[] = [],
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    // a refused request is reported by the 'response' listener with its URL
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text())
    }
  })
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('response', (response) => {
    const status = response.status()
    if (status >= 400 && !expectedStatuses.includes(status)) {
      problems.push(`${status} ${response.url()}`)
    }
  })
  return { page, problems }
}
