// A wrong password: the diagnosis card in plain words, the way back to sign-in, then success.
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures'

const catalog = JSON.parse(readFileSync('src/shared/locales/en.json', 'utf8')).diagnosis
import { acceptFound, chooseAndSignIn, enterAddress } from './steps'

test('wrong password: diagnosis card, details, fix sign-in and succeed', async ({ wizard: page, world }) => {
  const { alice } = world.bench.users
  await enterAddress(page, alice.address)
  await acceptFound(page)
  await chooseAndSignIn(page, 'IMAP', 'not-the-password')

  const card = page.locator('section.diagnosis')
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(catalog['auth-failed'].title)
  await expect(card).toContainText(catalog['auth-failed'].todo)
  await expect(page.getByRole('status').filter({ hasText: 'The check found a problem' })).toBeVisible()
  await expect(card.getByRole('heading', { name: 'What happened' })).toBeVisible()
  await expect(card.getByRole('heading', { name: 'What you can do' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0)

  // Details: the transcript is there and the password is not.
  await page.getByRole('button', { name: 'Show details' }).click()
  const transcripts = page.locator('pre.transcript')
  await expect(transcripts.first()).toBeVisible()
  const text = (await transcripts.allTextContents()).join('\n')
  expect(text).toMatch(/LOGIN|AUTH/)
  expect(text).not.toContain('not-the-password')

  await page.getByRole('button', { name: 'Change username or password' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
  // The password was sent once and is not echoed back into the page.
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
  await expect(page.getByText(/already in use for this check/)).toBeVisible()
  await expect(page.getByLabel('Username')).toHaveValue(alice.address)

  await page.getByLabel('Password', { exact: true }).fill(alice.password)
  await page.getByRole('button', { name: 'Show password' }).click()
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text')
  await page.getByRole('button', { name: 'Hide password' }).click()
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password')
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByText('All checks passed.')).toBeVisible()
})
