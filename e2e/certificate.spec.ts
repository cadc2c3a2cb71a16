// A certificate for another host: stopped at the certificate step, shown with its names
// and fingerprint, trusted explicitly for that host only, then re-checked successfully.
import { test, expect } from './fixtures'
import { enterAddress } from './steps'
import { wrongHostImap } from '../test/fakes/hosts'

test('certificate for the wrong host: explicit per-host trust with the fingerprint, then success', async ({
  wizard: page,
  world
}) => {
  const { bench } = world
  const { alice } = bench.users
  const fake = await wrongHostImap(bench, 'imap.elsewhere.bench.test', 'someone-else.example')
  try {
    await enterAddress(page, alice.address)
    await page.getByRole('button', { name: 'Enter settings manually' }).click()
    const incoming = page.getByRole('group', { name: 'Incoming mail server' })
    await incoming.getByLabel('Server name').fill(fake.host)
    await incoming.getByLabel('Port').fill('993')
    await incoming.getByLabel('Encryption').selectOption('tls')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByLabel('Password', { exact: true }).fill(alice.password)
    await page.getByRole('button', { name: 'Check settings' }).click()

    const row = page.locator(`tr[data-probe="${fake.host}:993"]`)
    await expect(row).toContainText('Failed')
    await expect(row.locator('td.cell').nth(3)).toContainText('failed') // the certificate step
    await expect(row.locator('td.cell').nth(6)).not.toContainText('passed') // never signed in

    const trust = page.locator('section.trust')
    await expect(trust).toContainText(fake.host)
    await expect(trust).toContainText('someone-else.example')
    await expect(trust.locator('code.fingerprint')).toHaveText(fake.fingerprint256)
    await expect(trust.locator('.places li')).toHaveText([`${fake.host}:993`])
    const button = trust.getByRole('button', { name: 'Trust it for this server and check again' })
    await expect(button).toBeDisabled()
    await trust.getByRole('checkbox').check()
    await button.click()

    await expect(page.getByText('All checks passed.')).toBeVisible()
    await expect(row).toContainText('Works')
    await page.getByRole('button', { name: 'Show details' }).click()
    await expect(page.locator('section.probe-details').filter({ hasText: fake.host })).toContainText('Trusted by you')
  } finally {
    await fake.close()
  }
})
