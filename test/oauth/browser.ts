// Chromium as the user's "system browser": it opens the authorize URL, and the test types on
// the authorization server's real sign-in and consent pages (oidc-provider's own).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export async function launchBrowser(): Promise<Browser> {
  const home = mkdtempSync(join(tmpdir(), 'oauth-chromium-'))
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') }
  })
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }))
  return browser
}

/** A fresh browser profile (no sign-in cookies) showing `url`. */
export async function openPage(browser: Browser, url: string): Promise<Page> {
  // The bench server's certificate comes from a test CA the browser does not know; the app's
  // own connections (token endpoint, mail servers) do verify it.
  const context = await browser.newContext({ ignoreHTTPSErrors: true })
  const page = await context.newPage()
  await page.goto(url)
  return page
}

/** Types on the sign-in page, accepts the consent page; returns the text the app's redirect page shows. */
export async function signIn(page: Page, login: string, password = 'any password'): Promise<string> {
  return (await signInRedirect(page, login, password)).text
}

/** As signIn, also giving the redirect URL the browser brought back (it carries the code). */
export async function signInRedirect(
  page: Page,
  login: string,
  password = 'any password'
): Promise<{ text: string; redirectUrl: string }> {
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.click('button:has-text("Continue")')
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback/)
  const redirectUrl = page.url()
  const text = (await page.textContent('body')) ?? ''
  await page.context().close()
  return { text, redirectUrl }
}
