// The helpdesk entry: an address (and optionally the user's settings) straight into the
// check with every probe and its evidence open, and a redacted report to copy or save.
import { readFile } from 'node:fs/promises'
import { test, expect } from './fixtures'

test('helpdesk: address only, straight into checking with details, report saved', async ({ wizard: page, world }) => {
  const { alice } = world.bench.users
  await page.getByRole('button', { name: 'Helpdesk: troubleshoot an account' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Troubleshoot an account' })).toBeFocused()
  await page.getByLabel('Email address').fill(alice.address)
  await page.getByLabel('Password (optional)').fill(alice.password)
  await page.getByRole('button', { name: 'Start checking' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Troubleshooting' })).toBeFocused()
  await expect(page.getByText('All checks passed.')).toBeVisible()
  // Everything the provider offers is tried: IMAP and POP both appear.
  await expect(page.locator('tr[data-probe="mail.bench.test:993"]')).toBeVisible()
  await expect(page.locator('tr[data-probe$=":995"]').first()).toBeVisible()
  // Evidence is open from the start, with nothing to click: the verdict first, then the
  // certificate (once, however many servers showed it), then the table and the transcripts.
  await expect(page.getByRole('button', { name: /details/ })).toHaveCount(0)
  await expect(page.locator('.certificates .cert-group')).toHaveCount(1)
  await expect(page.locator('dl.cert').first()).toContainText('Mail Setup Bench CA')
  const top = async (selector: string): Promise<number> => (await page.locator(selector).first().boundingBox())!.y
  expect(await top('section.result.good')).toBeLessThan(await top('section.certificates'))
  expect(await top('section.certificates')).toBeLessThan(await top('table.matrix'))
  await expect(page.locator('pre.transcript').first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0)

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Save diagnostic report' }).click()
  const report = await readFile(await (await download).path(), 'utf8')
  expect(report).toContain('mail.bench.test')
  expect(report).not.toContain(alice.password)
})

test('helpdesk: given settings without a password check connection and encryption only', async ({
  wizard: page,
  world
}) => {
  await page.getByRole('button', { name: 'Helpdesk: troubleshoot an account' }).click()
  await page.getByLabel('Email address').fill(world.bench.users.bob.address)
  await page.getByLabel('Check the settings the user has instead of searching').check()
  const incoming = page.getByRole('group', { name: 'Incoming mail server' })
  await incoming.getByLabel('Type').selectOption('pop3')
  await expect(incoming.getByLabel('Port')).toHaveValue('995')
  await incoming.getByLabel('Server name').fill('pop.bench.test')
  await page
    .getByRole('group', { name: 'Outgoing mail server (SMTP)' })
    .getByLabel('Server name')
    .fill('smtp.bench.test')
  await page.getByRole('button', { name: 'Start checking' }).click()

  await expect(page.getByText(/Sign-in was not tested because no password was given/)).toBeVisible()
  await expect(page.locator('tr[data-probe="pop.bench.test:995"]')).toContainText('Works')
  await expect(page.locator('tr[data-probe="smtp.bench.test:587"]')).toContainText('Works')
})
