// Manual settings: reachable after the address, the port offers its security, re-check.
import { test, expect } from './fixtures'
import { enterAddress, acceptFound, chooseAndSignIn, expectAllGood } from './steps'

test('manual edit: IMAP on 143 with STARTTLS offered by the port, re-checked', async ({ wizard: page, world }) => {
  const { alice } = world.bench.users
  await enterAddress(page, alice.address)
  await acceptFound(page)
  await chooseAndSignIn(page, 'IMAP', alice.password)
  await expectAllGood(page)

  await page.getByRole('button', { name: 'Enter settings manually' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Enter settings manually' })).toBeFocused()
  // The progress shows settings typed by hand, not a search that is not happening.
  const stepper = page.getByRole('navigation', { name: 'Steps' })
  await expect(stepper.locator('[aria-current="step"]')).toHaveText(/Settings by hand/)
  await expect(stepper.getByText('Finding settings')).toHaveCount(0)
  const incoming = page.getByRole('group', { name: 'Incoming mail server' })
  // Prefilled with what was just checked.
  await expect(incoming.getByLabel('Server name')).toHaveValue('mail.bench.test')
  await expect(incoming.getByLabel('Port')).toHaveValue('993')

  await incoming.getByLabel('Port').fill('143')
  await expect(incoming.getByText('Port 143 is normally used with STARTTLS.')).toBeVisible()
  await incoming.getByRole('button', { name: 'Use STARTTLS' }).click()
  await expect(incoming.getByLabel('Encryption')).toHaveValue('starttls')

  // "None" warns; a bad host is refused before any check.
  const outgoing = page.getByRole('group', { name: 'Outgoing mail server (SMTP)' })
  await outgoing.getByLabel('Encryption').selectOption('plain')
  await expect(outgoing.getByText(/Without encryption anyone on the network/)).toBeVisible()
  // Either SMTP port may have won the earlier check (465 or 587, whichever answered first
  // within the grace period): name the port so implicit TLS matches it.
  await outgoing.getByLabel('Port').fill('465')
  await outgoing.getByLabel('Encryption').selectOption('tls')
  await incoming.getByLabel('Server name').fill('bad host name')
  await page.getByRole('button', { name: 'Check these settings' }).click()
  await expect(incoming.getByText('Type a server name, like mail.example.com.')).toBeVisible()
  await expect(incoming.getByLabel('Server name')).toBeFocused()
  await incoming.getByLabel('Server name').fill('imap.bench.test')

  await page.getByRole('button', { name: 'Check these settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Checking your settings' })).toBeFocused()
  await expect(stepper.locator('[aria-current="step"]')).toHaveText(/Checking/)
  await expect(stepper.locator('li.past').filter({ hasText: 'Settings by hand' })).toHaveCount(1)
  await expectAllGood(page)
  const row = page.locator('tr[data-probe="imap.bench.test:143"]')
  await expect(row).toContainText('STARTTLS')
  await expect(row).toContainText('Works')

  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.locator('section.settings-card')).toContainText('143')
  await expect(page.locator('section.settings-card')).toContainText('STARTTLS')

  // Back to manual: the edit is kept.
  await page.getByRole('button', { name: 'Enter settings manually' }).click()
  await expect(page.getByRole('group', { name: 'Incoming mail server' }).getByLabel('Port')).toHaveValue('143')
})

test('no settings found: manual entry straight from the search', async ({ wizard: page }) => {
  await enterAddress(page, 'someone@nowhere.invalid')
  await expect(page.getByRole('status').filter({ hasText: 'No settings were found.' })).toBeVisible()
  await page.getByRole('main').getByRole('button', { name: 'Enter settings manually' }).click()
  await expect(page.getByRole('navigation', { name: 'Steps' }).locator('[aria-current="step"]')).toHaveText(
    /Settings by hand/
  )
  const incoming = page.getByRole('group', { name: 'Incoming mail server' })
  await expect(incoming.getByLabel('Server name')).toHaveValue('imap.nowhere.invalid')
  await expect(incoming.getByLabel('Port')).toHaveValue('993')
})
