// A server that offers no encryption at all: the password is held back until the user makes
// an explicit, per-host:port choice with the risk in view; only then does it cross, and only there.
import { test, expect } from './fixtures'
import { enterAddress } from './steps'
import { plaintextSmtp } from '../test/fakes/hosts'

test('unencrypted server: password withheld, then sent only to the host:port the user allowed', async ({
  wizard: page,
  world
}) => {
  const { bench } = world
  const { alice } = bench.users
  const fake = await plaintextSmtp(bench, 'smtp.plaintext.bench.test', alice, [587, 25])
  try {
    await enterAddress(page, alice.address)
    await expect(page.getByRole('status').filter({ hasText: /Settings found/ })).toBeVisible()
    await page.getByRole('button', { name: 'Enter settings manually' }).click()
    await expect(page.locator('.stepper [aria-current="step"]')).toHaveText(/Settings by hand/)
    const outgoing = page.getByRole('group', { name: 'Outgoing mail server (SMTP)' })
    await outgoing.getByLabel('Server name').fill(fake.host)
    await outgoing.getByLabel('Port').fill('587')
    await outgoing.getByLabel('Encryption').selectOption('plain')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByLabel('Password', { exact: true }).fill(alice.password)
    await page.getByRole('button', { name: 'Check settings' }).click()

    // Refused before a byte of the password went out, though the server was reached.
    const row = page.locator(`tr[data-probe="${fake.host}:587"]`)
    await expect(row).toContainText('Failed')
    await expect(page.locator('section.diagnosis h2')).toHaveText("We won't send your password unencrypted")
    expect(fake.connections).toBeGreaterThan(0)
    expect(fake.logins).toEqual([])

    const offer = page.locator('section.plaintext')
    await expect(offer.getByRole('heading', { level: 2 })).toContainText(`${fake.host}:587`)
    await expect(offer).toContainText('readable text')
    const sure = offer.getByRole('checkbox', {
      name: `I understand that anyone on the network path can read my password, and I allow it for ${fake.host}:587 only`
    })
    await expect(sure).not.toBeChecked()
    const allow = offer.getByRole('button', { name: `Allow for ${fake.host}:587 and check again` })
    await expect(allow).toBeDisabled()
    expect(fake.logins).toEqual([])

    await sure.check()
    await allow.click()
    await expect(page.getByText('All checks passed.')).toBeVisible()
    await expect(row).toContainText('Works')
    expect(fake.logins).toEqual([{ port: 587, username: alice.address, password: alice.password }])
    await expect(page.locator('.plaintext-allowed')).toContainText(
      `You allowed your password to be sent unencrypted to ${fake.host}:587.`
    )

    // The choice was for that host:port only: the same server on port 25 is refused again.
    await page.getByRole('button', { name: 'Enter settings manually' }).click()
    await outgoing.getByLabel('Port').fill('25')
    await outgoing.getByLabel('Encryption').selectOption('plain')
    await page.getByRole('button', { name: 'Check these settings' }).click()
    await expect(page.locator(`tr[data-probe="${fake.host}:25"]`)).toContainText('Failed')
    await expect(page.locator('section.plaintext h2')).toContainText(`${fake.host}:25`)
    expect(fake.logins).toHaveLength(1)

    // Withdrawn: back on 587, the password is withheld again.
    await page.getByRole('button', { name: 'Enter settings manually' }).click()
    await outgoing.getByLabel('Port').fill('587')
    await page.getByRole('button', { name: 'Check these settings' }).click()
    await expect(page.getByText('All checks passed.')).toBeVisible()
    expect(fake.logins).toHaveLength(2)
    await page.getByRole('button', { name: 'Stop allowing and check again' }).click()
    await expect(page.locator('section.diagnosis h2')).toHaveText("We won't send your password unencrypted")
    expect(fake.logins).toHaveLength(2)
  } finally {
    await fake.close()
  }
})
