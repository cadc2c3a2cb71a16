// A server that accepts and never answers: progress stays visible, and Cancel stops it.
import { test, expect } from './fixtures'
import { enterAddress } from './steps'
import { silentServer } from '../test/fakes/hosts'

test('silent server: live progress while waiting, cancel stops the check', async ({ wizard: page, world }) => {
  const { bench } = world
  const fake = await silentServer(bench, 'imap.quiet.bench.test', 993)
  try {
    await enterAddress(page, bench.users.alice.address)
    await page.getByRole('button', { name: 'Enter settings manually' }).click()
    await page.getByRole('group', { name: 'Incoming mail server' }).getByLabel('Server name').fill(fake.host)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByLabel('Password', { exact: true }).fill(bench.users.alice.password)
    await page.getByRole('button', { name: 'Check settings' }).click()

    const status = page.getByRole('status').filter({ hasText: 'Checking servers' })
    await expect(status).toBeVisible()
    const row = page.locator(`tr[data-probe="${fake.host}:993"]`)
    // After 1.5 s without a byte the row says so in words (verify/timing.ts quietMs).
    await expect(row).toContainText(/Checking…|Not answering yet…/)
    await expect(row.locator('td.cell.running:not(.total)')).toHaveCount(1)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByText('Check stopped.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Check again' })).toBeVisible()
  } finally {
    await fake.close()
  }
})

test('silent DNS while searching: the source list is live and Cancel stops the search', async ({
  wizard: page,
  world
}) => {
  const { dns } = world.bench
  for (const name of ['quiet.example', 'autoconfig.quiet.example', 'autodiscover.quiet.example'])
    dns.fault(name, 'silent')
  await page.getByLabel('Email address').fill('user@quiet.example')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: 'Searching for the settings of quiet.example' })
  ).toBeVisible()
  // "Where we looked" is one click away, and live.
  await page.getByRole('button', { name: 'Where we looked', expanded: false }).click()
  await expect(page.locator('.sources li').first()).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Search stopped.' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Search again' })).toBeVisible()
})
