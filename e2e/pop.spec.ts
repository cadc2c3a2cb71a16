// The POP path: the plain-words choice, "leave a copy" with days, through to "done".
import { test, expect } from './fixtures'
import { acceptFound, enterAddress } from './steps'

test('POP: keep copies for 7 days, checked and saved with those options', async ({ wizard: page, world }) => {
  const { bob } = world.bench.users
  await enterAddress(page, bob.address, 'Bob')
  await acceptFound(page)

  // Both choices in plain words; IMAP is recommended and chosen by default.
  await expect(page.getByRole('radio', { name: /^IMAP/ })).toBeChecked()
  await expect(page.getByText('Recommended')).toBeVisible()
  await expect(page.getByText(/does not show as read in webmail/)).toBeVisible()
  await page.getByRole('radio', { name: /^POP/ }).check()

  const leave = page.getByLabel('Leave a copy of each message on the server')
  await expect(leave).toBeChecked()
  await page.getByLabel('Remove the copies after').check()
  await page.getByLabel('Number of days').fill('7')
  await page.getByRole('button', { name: 'Continue' }).click()

  // Back and forward keep the choice and the days.
  await page.getByRole('button', { name: 'Back' }).click()
  await expect(page.getByRole('radio', { name: /^POP/ })).toBeChecked()
  await expect(page.getByLabel('Number of days')).toHaveValue('7')
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.getByLabel('Password', { exact: true }).fill(bob.password)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByText('All checks passed.')).toBeVisible()
  await expect(page.locator('tr[data-probe="mail.bench.test:995"]')).toContainText('Works')
  await expect(page.locator('tr[data-probe$=":993"]')).toHaveCount(0)

  await page.getByRole('button', { name: 'Continue' }).click()
  const card = page.locator('section.settings-card')
  await expect(card).toContainText('POP')
  await expect(card).toContainText('995')
  await expect(card).toContainText('Yes, for 7 days')
  await expect(page.getByText(/Your password is saved in your system's keychain/)).toBeVisible()

  // Formats that cannot carry POP are shown but refused with the reason.
  const mbsync = page.getByRole('radio', { name: /mbsync/i })
  await expect(mbsync).toBeDisabled()
  await expect(page.getByText('Cannot be used with POP.').first()).toBeVisible()
  await page.getByRole('radio', { name: /fetchmail/i }).check()
  await expect(page.locator('pre.preview')).toContainText(/pop3/i)
})
