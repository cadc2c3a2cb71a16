// An Exchange server whose Autodiscover answers only after sign-in: the Finding step offers
// to ask it with the password, and the check after it reuses that password without retyping.
import AxeBuilder from '@axe-core/playwright'
import { test, expect, shot } from './fixtures'
import { enterAddress, expectAllGood } from './steps'
import type { Bench } from '../test/world/index'
import { startWeb } from '../test/world/web'
import type { World } from './world'

interface Seen {
  secure: boolean
  method: string
  path: string
  authorization?: string
}

function pox(bench: Bench, login: string): string {
  const p = (type: string, port: number, encryption: string): string =>
    `<Protocol><Type>${type}</Type><Server>${bench.mailHost}</Server><Port>${port}</Port><LoginName>${login}</LoginName><SPA>off</SPA><Encryption>${encryption}</Encryption><AuthRequired>on</AuthRequired></Protocol>`
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>${p('IMAP', bench.ports.imaps, 'SSL')}${p('SMTP', bench.ports.submission, 'TLS')}</Account>
  </Response>
</Autodiscover>`
}

/** autodiscover.<domain> on the world's web servers: over HTTPS it answers 401 unless Basic
 * `user:password`; over plain HTTP nothing (every request is logged all the same). */
async function exchangeAutodiscover(world: World, domain: string, user: string, password: string, login: string) {
  const host = `autodiscover.${domain}`
  const web = await startWeb(world, [host])
  web.host(host)
  const expected = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
  web.serve('https', host, '/autodiscover/autodiscover.xml', (req) => {
    if (req.method !== 'POST') return undefined
    if (req.headers.authorization !== expected)
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="autodiscover"' } }
    return { status: 200, type: 'text/xml; charset=utf-8', body: pox(world.bench, login) }
  })
  return {
    /** What the server was asked, in order. */
    get seen(): Seen[] {
      return web.log.map((r) => ({
        secure: r.scheme === 'https',
        method: r.method,
        path: r.url,
        authorization: r.headers.authorization
      }))
    },
    close: () => web.close()
  }
}

test('Exchange Autodiscover behind sign-in: offered, asked with the password, checked without retyping it', async ({
  wizard: page,
  world
}) => {
  const { bench } = world
  const { alice } = bench.users
  // A domain only Autodiscover knows about; the mailbox behind it is alice's on the bench Dovecot.
  const domain = 'corp-exchange.example'
  const address = `alice@${domain}`
  const exchange = await exchangeAutodiscover(world, domain, address, alice.password, alice.address)
  try {
    await enterAddress(page, address)
    await expect(page.getByRole('status').filter({ hasText: 'No settings were found.' })).toBeVisible()
    const offer = page.getByRole('region', {
      name: "Your organisation's Exchange server can tell us the settings after you sign in"
    })
    await expect(offer).toBeVisible()
    await expect(offer).toContainText(
      `Your password goes only to the Autodiscover service of ${domain}, over an encrypted connection.`
    )
    // The first search reached the server but sent it no credentials.
    expect(exchange.seen.some((r) => r.secure && r.method === 'POST')).toBe(true)
    expect(exchange.seen.filter((r) => r.authorization)).toEqual([])

    const field = offer.getByLabel('Password for your email')
    await expect(field).toHaveAttribute('autocomplete', 'current-password')
    await field.fill(alice.password)
    await offer.getByRole('button', { name: 'Show password' }).click()
    await expect(field).toHaveAttribute('type', 'text')
    await offer.getByRole('button', { name: 'Hide password' }).click()
    await expect(field).toHaveAttribute('type', 'password')
    const before = exchange.seen.length
    await field.press('Enter')

    await expect(page.getByRole('status').filter({ hasText: 'Settings found.' })).toBeVisible()
    await expect(offer).toHaveCount(0)
    const withAuth = exchange.seen.filter((r) => r.authorization)
    expect(withAuth.length).toBeGreaterThan(0)
    expect(withAuth.every((r) => r.secure)).toBe(true)
    expect(exchange.seen.slice(0, before).filter((r) => r.authorization)).toEqual([])
    expect(exchange.seen.filter((r) => !r.secure && r.authorization)).toEqual([])
    // The password is not left in the page once sent.
    expect(await page.content()).not.toContain(alice.password)

    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'How should your mail be kept?' })).toBeFocused()
    await page.getByRole('radio', { name: /^IMAP/ }).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
    await expect(page.getByLabel('Username')).toHaveValue(alice.address)
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
    await expect(
      page.getByText(/You gave your password when your organisation's Exchange server was asked/)
    ).toBeVisible()
    await page.getByRole('button', { name: 'Check settings' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Checking your settings' })).toBeFocused()
    await expectAllGood(page)
    await expect(page.locator(`tr[data-probe="${bench.mailHost}:${bench.ports.imaps}"]`)).toContainText('Works')
    await expect(page.locator(`tr[data-probe="${bench.mailHost}:${bench.ports.submission}"]`)).toContainText('Works')
  } finally {
    await exchange.close()
  }
})

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`the Exchange sign-in offer by keyboard, a refused password, axe clean: ${lang}, ${theme}`, async ({
      wizard: page,
      world
    }, info) => {
      const { bench } = world
      const domain = `${lang}-${theme}.corp-exchange.example`
      const exchange = await exchangeAutodiscover(
        world,
        domain,
        `bob@${domain}`,
        bench.users.bob.password,
        bench.users.bob.address
      )
      try {
        await page.emulateMedia({ colorScheme: theme })
        if (lang !== 'en') await page.locator('.language select').selectOption(lang)
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
        await page.locator('#address').fill(`bob@${domain}`)
        await page.locator('#address').press('Enter')
        const offer = page.locator('section.exchange-signin')
        await expect(offer).toBeVisible()
        const field = offer.locator('input#exchange-password')
        // Keyboard only: Tab reaches the field, Enter sends it.
        for (let i = 0; i < 15 && !(await field.evaluate((el) => el === document.activeElement)); i++)
          await page.keyboard.press('Tab')
        await expect(field).toBeFocused()
        await page.keyboard.type('not the password')
        await page.keyboard.press('Enter')
        await expect(offer.locator('#exchange-hint.problem')).toBeVisible()
        await expect(field).toHaveValue('')
        expect(exchange.seen.filter((r) => r.authorization).every((r) => r.secure)).toBe(true)
        expect(exchange.seen.some((r) => r.authorization)).toBe(true)
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
          .analyze()
        await shot(page, info, `${lang}-${theme}-exchange-offer`)
        expect(
          result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
        ).toEqual([])
      } finally {
        await exchange.close()
      }
    })
  }
}
