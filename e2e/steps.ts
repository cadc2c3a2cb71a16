// The moves a user makes, shared by the specs. English labels; the Arabic spec uses its own.
import { expect, type Page } from '@playwright/test'

export async function enterAddress(page: Page, address: string, name = 'Alice Example'): Promise<void> {
  await page.getByLabel('Email address').fill(address)
  await page.getByLabel('Your name (optional)').fill(name)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Finding your settings' })).toBeFocused()
}

export async function acceptFound(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: /Settings found/ })).toBeVisible()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'How should your mail be kept?' })).toBeFocused()
}

export async function chooseAndSignIn(page: Page, protocol: 'IMAP' | 'POP', password: string): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${protocol}`) }).check()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Checking your settings' })).toBeFocused()
}

export async function expectAllGood(page: Page): Promise<void> {
  await expect(page.getByText('All checks passed.')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Everything works' })).toBeVisible()
}

/** Address → found settings → protocol → sign-in → checked, all passing. */
export async function toChecked(
  page: Page,
  address: string,
  password: string,
  protocol: 'IMAP' | 'POP' = 'IMAP'
): Promise<void> {
  await enterAddress(page, address)
  await acceptFound(page)
  await chooseAndSignIn(page, protocol, password)
  await expectAllGood(page)
}

export interface TypedServer {
  host: string
  port: number
  security: 'tls' | 'starttls' | 'plain'
  username?: string
}

/** On the manual step: types one server group ('Incoming mail server' or 'Outgoing mail server (SMTP)'). */
export async function typeServer(page: Page, group: string, s: TypedServer): Promise<void> {
  const g = page.getByRole('group', { name: group })
  await g.getByLabel('Server name').fill(s.host)
  await g.getByLabel('Port').fill(String(s.port))
  await g.getByLabel('Encryption').selectOption(s.security)
  if (s.username !== undefined) await g.getByLabel('Username').fill(s.username)
}

/** Address → settings typed by hand → the sign-in step. */
export async function typeSettings(
  page: Page,
  address: string,
  incoming: TypedServer,
  outgoing: TypedServer
): Promise<void> {
  await enterAddress(page, address)
  await page.getByRole('button', { name: 'Enter settings manually' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Enter settings manually' })).toBeFocused()
  await typeServer(page, 'Incoming mail server', incoming)
  await typeServer(page, 'Outgoing mail server (SMTP)', outgoing)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
}
