// "Sign in with …": discovery finds settings whose <oAuth2> names a real authorization server;
// the wizard opens its sign-in page in a new tab, the test signs in there as the user would,
// and IMAP and SMTP are verified with the token on servers that accept nothing else.
// Providers whose client ID this build lacks: no button that cannot work; the app-password route
// where passwords work, and settings for mail programs that sign in themselves where they do not.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test as base, expect, shot } from './fixtures'
import { startWorld, type World } from './world'
import { oauthExtra, OAUTH_DOMAIN, OAUTH_MAIL_HOST, type OAuthParts } from './oauth-world'
import { acceptFound, enterAddress } from './steps'

const parts: Partial<OAuthParts> = {}

const test = base.extend<object, { world: World }>({
  world: [
    async ({}, use) => {
      const world = await startWorld(process.env.MAIL_SETUP_E2E_RENDERER!, {}, oauthExtra(parts))
      await use(world)
      await world.stop()
    },
    { scope: 'worker', timeout: 60_000 }
  ]
})
// The authorization server's certificate comes from the bench's test CA, which Chromium does
// not know; the app's own connections (metadata, token endpoint, mail servers) do verify it.
test.use({ ignoreHTTPSErrors: true })

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze()
  return result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

test('sign in with the provider in a new tab, then IMAP and SMTP verified by token, to done', async ({
  wizard: page
}, info) => {
  const address = `carol@${OAUTH_DOMAIN}`
  await enterAddress(page, address)
  await acceptFound(page)
  await page.getByRole('radio', { name: /^IMAP/ }).check()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()

  const button = page.getByRole('button', { name: 'Sign in with OAuth Bench Mail' })
  await expect(button).toBeVisible()
  await expect(page.getByText("Your browser opens OAuth Bench Mail's own sign-in page.")).toBeVisible()
  // These servers take no password: the button replaces the field, and checking waits for it.
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    'Sign in with OAuth Bench Mail first: this server accepts no password.'
  )
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'signin-oauth-offered')

  const tab = page.context().waitForEvent('page')
  await button.click()
  const signin = await tab
  await expect(
    page.getByRole('status').filter({ hasText: 'Waiting for you to finish signing in in your browser' })
  ).toBeVisible()
  // A blocked pop-up would leave the same page as a link: the issuer's authorize URL with PKCE.
  const href = await page.getByRole('link', { name: 'If no page opened, open the sign-in page' }).getAttribute('href')
  expect(href?.startsWith(`${parts.oauth!.issuer}/auth?`)).toBe(true)
  expect(new URL(href!).searchParams.get('code_challenge_method')).toBe('S256')
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'signin-oauth-waiting')

  // The authorization server's own pages: the login form, then consent.
  expect(new URL(signin.url()).origin).toBe(parts.oauth!.issuer)
  await signin.locator('input[name=login]').fill(address)
  await signin.locator('input[name=password]').fill('any password')
  await signin.locator('button[type=submit]').click()
  await signin.getByRole('button', { name: 'Continue' }).click()
  await signin.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback/)
  await signin.close()

  await expect(page.getByRole('status').filter({ hasText: 'Signed in with OAuth Bench Mail.' })).toBeVisible()
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0)
  expect(parts.smtp!.accepted).toEqual([])
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Checking your settings' })).toBeFocused()
  await expect(page.getByText('All checks passed.')).toBeVisible()
  await expect(page.locator(`tr[data-probe="${OAUTH_MAIL_HOST}:993"]`)).toContainText('Works')
  await expect(page.locator(`tr[data-probe="${OAUTH_MAIL_HOST}:465"]`)).toContainText('Works')

  // Both servers take nothing but a token their authorization server vouches for.
  expect(parts.smtp!.accepted).toEqual([address])
  const log = await readFile(parts.dovecotLog!, 'utf8')
  expect(log).toMatch(new RegExp(`imap-login: (Info: )?Login: user=<${address}>, method=(XOAUTH2|OAUTHBEARER)`))
  await page.getByRole('button', { name: 'Show details' }).click()
  await expect(page.locator('section.probe-details').first().locator('pre.transcript')).toContainText(
    /AUTHENTICATE (XOAUTH2|OAUTHBEARER)/
  )
  await shot(page, info, 'checking-oauth-ok')

  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is ready' })).toBeFocused()
  await expect(
    page.getByText("Your browser sign-in (no password) is saved in your system's keychain under")
  ).toBeVisible()
  await shot(page, info, 'done-oauth')
})

/** Address to the sign-in step, by ids and classes, in any language. */
async function toSignIn(page: Page, address: string): Promise<void> {
  const primary = page.locator('main .actions button.primary').last()
  await page.locator('#address').fill(address)
  await primary.click()
  await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
  await primary.click()
  await expect(page.locator('input[name="protocol"]').first()).toBeVisible()
  await primary.click()
  await expect(page.locator('h1.step-title')).toBeFocused()
  await expect(page.locator('#username, .no-browser-signin').first()).toBeVisible()
}

// A Microsoft 365 domain whose autoconfig has no <oAuth2> element: known by its provider id.
const M365_DOMAIN = 'contoso.bench.test'
const m365 = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="microsoft365">
    <domain>${M365_DOMAIN}</domain>
    <displayName>Contoso (Microsoft 365)</displayName>
    <incomingServer type="imap">
      <hostname>outlook.office365.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.office365.com</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`

test('no client ID for Microsoft: no sign-in button, no password field, said plainly, settings for Thunderbird still made', async ({
  wizard: page,
  world
}, info) => {
  await writeFile(join(world.bench.ispDir, `${M365_DOMAIN}.xml`), m365)
  await toSignIn(page, `dana@${M365_DOMAIN}`)
  await expect(page.getByRole('heading', { level: 2, name: "Mail Setup can't sign in to Microsoft yet" })).toBeVisible()
  await expect(page.getByRole('button', { name: /Sign in with/ })).toHaveCount(0)
  await expect(page.getByLabel(/Password/)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Check settings' })).toHaveCount(0)
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'no-client-id-microsoft')

  await page.getByRole('button', { name: 'Prepare settings for my mail program' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your settings are ready' })).toBeFocused()
  await expect(page.getByText('were not checked, because Mail Setup could not sign in')).toBeVisible()
  await expect(page.getByText('No password is kept')).toBeVisible()
  // Thunderbird reads the settings with OAuth2 as the sign-in method; a format that cannot sign in that way is refused.
  await page.locator('input[name="format"][value="thunderbird-autoconfig"]').check()
  await expect(page.locator('pre.preview')).toContainText('<authentication>OAuth2</authentication>')
  await expect(page.locator('pre.preview')).toContainText('outlook.office365.com')
  await expect(page.locator('input[name="format"][value="evolution"]')).toBeDisabled()
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'no-client-id-microsoft-done')
})

test("no client ID for Google: no sign-in button; the app-password route with Google's own page", async ({
  wizard: page
}, info) => {
  await toSignIn(page, 'dana@gmail.com')
  await expect(page.getByRole('button', { name: /Sign in with/ })).toHaveCount(0)
  const note = page.locator('aside.app-password')
  await expect(note.getByRole('heading', { level: 2 })).toHaveText('Use an app password')
  await expect(note).toContainText("Mail Setup can't sign in through Google's own page yet")
  await expect(note.getByRole('link', { name: 'Create an app password at Google' })).toHaveAttribute(
    'href',
    'https://myaccount.google.com/apppasswords'
  )
  await expect(page.getByLabel('App password', { exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Check settings' })).toBeVisible()
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'no-client-id-google')
})

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds nothing on the app-password route and the no-sign-in note: ${lang}, ${theme}`, async ({
      wizard: page,
      world
    }, info) => {
      await writeFile(join(world.bench.ispDir, `${M365_DOMAIN}.xml`), m365)
      await page.emulateMedia({ colorScheme: theme })
      if (lang !== 'en') await page.locator('.language select').selectOption(lang)
      await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
      await toSignIn(page, 'erin@gmail.com')
      await expect(page.locator('aside.app-password')).toBeVisible()
      const found = (await axe(page)).map((v) => `app password: ${v}`)
      await shot(page, info, `${lang}-${theme}-signin-app-password`)
      await page.reload()
      await expect(page.locator('#address')).toBeVisible()
      await toSignIn(page, `erin@${M365_DOMAIN}`)
      await expect(page.locator('.no-browser-signin')).toBeVisible()
      found.push(...(await axe(page)).map((v) => `no sign-in: ${v}`))
      await shot(page, info, `${lang}-${theme}-no-browser-signin`)
      expect(found).toEqual([])
    })
  }
}
