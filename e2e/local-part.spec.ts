// Servers of another implementation that sign users in by the local part (the second bench:
// Cyrus IMAP, Postfix submission), through the wizard: settings from SRV records and from
// guessing verify with the right password, the result says which user name form the server
// wanted and the account keeps it; port 25 as the last resort, guessed and typed by hand; a
// domain with no mail service gets that verdict instead of "Settings found" and a port refusal.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { acceptFound, chooseAndSignIn, enterAddress, expectAllGood, typeSettings } from './steps'
import type { World } from './world'

const LOCAL_PART = 'The server wanted only the part before the @ as the user name: carol.'
const PORT_25 = /takes mail on port 25.*Many networks \(home, hotel, mobile\) block port 25/

/** Guessed settings: the search says nothing was published, and using them is a choice. */
async function useGuessed(page: Page, domain: string): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: `${domain} publishes no mail settings` })).toBeVisible()
  await page.getByRole('button', { name: 'Use these settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'How should your mail be kept?' })).toBeFocused()
}

/** The Done step's card and the saved account both carry the user name that worked. */
async function expectAccountUser(page: Page, world: World, address: string, username: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is ready' })).toBeFocused()
  const users = page
    .locator('section.settings-card .row')
    .filter({ has: page.locator('dt', { hasText: /^Username$/ }) })
    .locator('dd')
  await expect(users).toHaveText([username, username])
  const file = join(world.bench.env.MAIL_SETUP_USER_DATA!, 'accounts.json')
  const saved = async (): Promise<string[] | undefined> => {
    const list = JSON.parse(await readFile(file, 'utf8').catch(() => '{"accounts":[]}')) as {
      accounts: Array<{ address: string; incoming: { username: string }; outgoing: { username: string } }>
    }
    const a = list.accounts.find((x) => x.address === address)
    return a && [a.incoming.username, a.outgoing.username]
  }
  await expect.poll(saved).toEqual([username, username])
}

test('settings from SRV records: signs in as the local part, says so, and the account keeps it', async ({
  wizard: page,
  world
}) => {
  const { carol } = world.bench.second.users
  await enterAddress(page, carol.address)
  await acceptFound(page)
  await chooseAndSignIn(page, 'IMAP', carol.password)
  await expectAllGood(page)
  await expect(page.locator(`tr[data-probe="${world.bench.second.host}:993"]`)).toContainText('Works')
  const notes = page.locator('section.result.good .worked-notes')
  await expect(notes.locator('[data-note="username-form"]')).toHaveText([LOCAL_PART])
  await expect(notes).not.toContainText('port 25')
  await expectAccountUser(page, world, carol.address, 'carol')
})

test('settings found only by guessing: the same, after the user chose to use the guesses', async ({
  wizard: page,
  world
}) => {
  const { carol } = world.bench.second.users
  const domain = world.bench.second.guessedDomain
  const address = `carol@${domain}`
  await enterAddress(page, address)
  await useGuessed(page, domain)
  await chooseAndSignIn(page, 'IMAP', carol.password)
  await expectAllGood(page)
  await expect(page.locator(`tr[data-probe="imap.${domain}:993"]`)).toContainText('Works')
  await expect(page.locator('section.result.good .worked-notes [data-note="username-form"]')).toHaveText([LOCAL_PART])
  await expectAccountUser(page, world, address, 'carol')
})

test('port 25 by guessing: found after 465 and 587 gave no answer, verified, with the warning', async ({
  wizard: page,
  world
}) => {
  const { carol } = world.bench.second.users
  const domain = world.bench.second.port25Domain
  await enterAddress(page, `carol@${domain}`)
  await useGuessed(page, domain)
  await chooseAndSignIn(page, 'IMAP', carol.password)
  // Works, and the two ports that gave no answer are counted as not needed.
  await expect(
    page.getByRole('status').filter({ hasText: '2 other ways to connect did not work; they are not needed.' })
  ).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Everything works' })).toBeVisible()
  await expect(page.locator('section.result.good .worked-notes [data-note="port25"]')).toHaveText(PORT_25)
  await page.getByRole('button', { name: 'Show details' }).click()
  await expect(page.locator(`tr[data-probe="smtp.${domain}:25"]`)).toContainText('Works')
  await expect(page.locator(`tr[data-probe="smtp.${domain}:587"]`)).toContainText('Failed')
  await expect(page.locator(`tr[data-probe="smtp.${domain}:465"]`)).toContainText('Failed')
  await page.getByRole('button', { name: 'Continue' }).click()
  const outgoing = page.locator('section.settings-card .card-columns > div').nth(1)
  await expect(
    outgoing
      .locator('.row')
      .filter({ has: page.locator('dt', { hasText: /^Port$/ }) })
      .locator('dd')
  ).toHaveText('25')
})

test('port 25 typed by hand: 587 gives no answer, so 25 on the same host is tried last and works', async ({
  wizard: page,
  world
}) => {
  const { carol } = world.bench.second.users
  const domain = world.bench.second.port25Domain
  await typeSettings(
    page,
    carol.address,
    { host: world.bench.second.host, port: 993, security: 'tls', username: 'carol' },
    { host: `smtp.${domain}`, port: 587, security: 'starttls', username: 'carol' }
  )
  await page.getByLabel('Password', { exact: true }).fill(carol.password)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: '1 other way to connect did not work; it is not needed.' })
  ).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Everything works' })).toBeVisible()
  await expect(page.locator('section.result.good .worked-notes [data-note="port25"]')).toHaveText(PORT_25)
  // Typed user names are used as typed: no form note.
  await expect(page.locator('section.result.good .worked-notes [data-note="username-form"]')).toHaveCount(0)
  await page.getByRole('button', { name: 'Show details' }).click()
  await expect(page.locator(`tr[data-probe="smtp.${domain}:587"]`)).toContainText('Failed')
  await expect(page.locator(`tr[data-probe="smtp.${domain}:25"]`)).toContainText('Works')
})

test('a domain with only an address record: the guesses are labelled as such and the verdict is "no mail service"', async ({
  wizard: page,
  world
}) => {
  const domain = world.bench.noMailDomain
  await enterAddress(page, `someone@${domain}`)
  await useGuessed(page, domain)
  await chooseAndSignIn(page, 'IMAP', 'any-password')
  await expect(page.getByRole('status').filter({ hasText: 'No mail service found for this domain' })).toBeVisible()
  const card = page.locator('section.diagnosis')
  await expect(card).toContainText(
    `${domain} publishes no mail settings, and none of the usual mail server names for it answered`
  )
  await expect(card).toContainText('Check the spelling of the address')
  await expect(card).not.toContainText('refused the connection')
})
