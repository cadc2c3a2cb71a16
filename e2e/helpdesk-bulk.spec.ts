// The helpdesk's bulk check in the wizard, against the bench's real Dovecot and submission:
// a CSV picked in the page, its password references resolved on the main side (a command runs
// only after the admin confirmed it, a plain column only with the opt-in), a live table with a
// verdict per account, stop keeping what was done, and reports that hold no password.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

async function openBulk(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Helpdesk: troubleshoot an account' }).click()
  await page
    .getByRole('navigation', { name: 'Helpdesk tools' })
    .getByRole('button', { name: 'Check many accounts' })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: 'Check many accounts' })).toBeFocused()
}

async function pick(page: Page, name: string, lines: string[]): Promise<void> {
  await page
    .getByLabel('Accounts list (CSV)')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) })
}

async function download(page: Page, button: string): Promise<string> {
  const d = page.waitForEvent('download')
  await page.getByRole('button', { name: button }).click()
  return readFile(await (await d).path(), 'utf8')
}

/** The row numbers of a results CSV, in order. */
const rowNumbers = (csv: string): number[] =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[0]))
    .sort((a, b) => a - b)
const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

/** Refused IMAP sign-ins Dovecot logged for `who` (logged when the login session closes). */
async function refusals(log: string, who: string): Promise<number> {
  const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l.includes(`user=<${who}>`))
  return lines.reduce((n, l) => n + Number(/imap-login: .*auth failed, (\d+) attempts?/.exec(l)?.[1] ?? 0), 0)
}

test('bulk check: a right and a wrong password, the command shown and confirmed first, reports without passwords', async ({
  wizard: page,
  world
}) => {
  const { alice, bob } = world.bench.users
  const wrong = 'not-bobs-password'
  const variable = `MAIL_SETUP_E2E_BULK_${test.info().workerIndex}`
  process.env[variable] = alice.password
  const before = await refusals(world.bench.dovecot.log, bob.address)
  await openBulk(page)
  await pick(page, 'team.csv', [
    'address,password_ref',
    `${alice.address},env:${variable}`,
    `${bob.address},cmd:printf '${wrong}'`,
    'not-an-address,env:X'
  ])

  const list = page.getByRole('region', { name: 'team.csv: 2 accounts' })
  await expect(list).toContainText('1 password from an environment variable')
  await expect(list).toContainText('1 password from a command')
  await expect(list).toContainText('1 row is not an address and is skipped: row 3')
  await expect(list).toContainText(`The passwords go only to the trusted servers of: ${world.bench.domain}`)
  // The exact command, and no start until the admin confirms it.
  const commands = page.getByRole('group', { name: 'The list runs 1 command on this computer' })
  await expect(commands.locator('code')).toHaveText(`printf '${wrong}'`)
  const start = page.getByRole('button', { name: 'Check 2 accounts' })
  await expect(start).toBeDisabled()
  await commands.getByLabel('Run this command').check()
  await start.click()

  await expect(page.getByRole('status').filter({ hasText: 'Done: 2 checked, 1 ready.' })).toBeVisible()
  // The main side forgot the list once it ran: a second run needs the file picked again.
  await expect(start).toBeDisabled()
  await expect(page.getByText('To check the list again, pick the file again.')).toBeVisible()
  await expect(page.locator('#bulk-progress-text')).toContainText('2 of 2 checked')
  await expect(page.locator('#bulk-progress-text')).toContainText(/\d a minute/)
  await expect(page.locator('.bulk-progress progress')).toHaveAttribute('value', '2')
  const rows = page.locator('table.bulk-results tbody tr')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText(alice.address)
  await expect(rows.nth(0)).toContainText('Ready: both directions signed in')
  await expect(rows.nth(0)).toContainText(`imap ${world.bench.mailHost}:993 tls`)
  await expect(rows.nth(1)).toContainText(bob.address)
  await expect(rows.nth(1)).toContainText('Sign-in refused')
  await expect(rows.nth(1).locator('td').nth(2)).not.toBeEmpty()
  // One refused sign-in for the wrong password: the trusted settings name the user name.
  await expect.poll(() => refusals(world.bench.dovecot.log, bob.address), { timeout: 10_000 }).toBe(before + 1)

  const csv = await download(page, 'Save the results (CSV)')
  expect(csv).toMatch(new RegExp(`^1,${alice.address},ready,`, 'm'))
  expect(csv).toMatch(new RegExp(`^2,${bob.address},sign-in-refused,auth-failed,`, 'm'))
  const html = await download(page, 'Save the report (HTML)')
  expect(html).toContain('Sign-in refused')
  for (const report of [csv, html]) {
    expect(report).not.toContain(alice.password)
    expect(report).not.toContain(wrong)
  }
  // Nothing the page holds has a password either.
  expect(await page.content()).not.toContain(alice.password)
  delete process.env[variable]
})

test('bulk check: a plain password column only with the opt-in; stop keeps what was done, resume does the rest', async ({
  wizard: page,
  world
}) => {
  const { alice } = world.bench.users
  await openBulk(page)
  const many = Array.from({ length: 40 }, () => `${alice.address},${alice.password}`)
  await pick(page, 'plain.csv', ['address,password', ...many])
  await expect(page.getByRole('region', { name: 'plain.csv: 40 accounts' })).toContainText(
    '40 passwords written in the list'
  )
  const start = page.getByRole('button', { name: 'Check 40 accounts' })
  await expect(start).toBeDisabled()
  await page.getByLabel(/This list has a password column/).check()
  await start.click()
  await expect(page.locator('table.bulk-results tbody tr').first()).toBeVisible()
  await page.getByRole('button', { name: 'Stop (keep what is done)' }).click()

  const stopped = page.getByRole('status').filter({ hasText: /^Stopped: \d+ of 40 checked; the reports hold those\.$/ })
  await expect(stopped).toBeVisible()
  const checked = Number(/Stopped: (\d+)/.exec((await stopped.textContent()) ?? '')?.[1])
  expect(checked).toBeGreaterThan(0)
  expect(checked).toBeLessThan(40)
  await expect(page.locator('table.bulk-results tbody tr')).toHaveCount(checked)
  const csv = await download(page, 'Save the results (CSV)')
  expect(csv.trim().split('\n')).toHaveLength(checked + 1)
  expect(csv).not.toContain(alice.password)
  expect(await page.content()).not.toContain(alice.password)

  // Resume checks only the rest, under the consent already given: every row once, none twice.
  await page.getByRole('button', { name: 'Resume (check only the rest)' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Done: 40 checked, 40 ready.' })).toBeVisible()
  await expect(page.locator('table.bulk-results tbody tr')).toHaveCount(40)
  const all = await download(page, 'Save the results (CSV)')
  expect(rowNumbers(all)).toEqual(oneTo(40))
  expect(all).not.toContain(alice.password)
})

test('bulk check: a stopped run resumes after the app restarts, no row lost or checked twice, no password on disk', async ({
  wizard: page,
  world
}) => {
  const { alice } = world.bench.users
  const variable = `MAIL_SETUP_E2E_BULK_RESTART_${test.info().workerIndex}`
  process.env[variable] = alice.password
  const total = 40
  const lines = ['address,password_ref', ...Array.from({ length: total }, () => `${alice.address},env:${variable}`)]
  const bulkDir = join(world.bench.env.MAIL_SETUP_USER_DATA!, 'bulk')
  const logins = async (): Promise<number> =>
    (await readFile(world.bench.dovecot.log, 'utf8'))
      .split('\n')
      .filter((l) => l.includes(`user=<${alice.address}>`) && /imap-login: (Info: )?Login: /.test(l)).length
  // This worker's earlier tests used the same user-data folder: only what this test adds counts.
  const others = new Set(await readdir(bulkDir).catch(() => []))
  await openBulk(page)
  await pick(page, 'restart.csv', lines)
  await page.getByRole('button', { name: `Check ${total} accounts` }).click()
  await expect(page.locator('table.bulk-results tbody tr').first()).toBeVisible()
  await page.getByRole('button', { name: 'Stop (keep what is done)' }).click()
  const stopped = page.getByRole('status').filter({ hasText: /^Stopped: \d+ of 40 checked/ })
  await expect(stopped).toBeVisible()
  const checked = Number(/Stopped: (\d+)/.exec((await stopped.textContent()) ?? '')?.[1])
  expect(checked).toBeGreaterThan(0)
  expect(checked).toBeLessThan(total)

  // main holds the results (named by the list's identity) and its copy of the list; no password.
  const before = (await readdir(bulkDir)).filter((f) => !others.has(f))
  // Two files whatever their random names' order: the results and the list's copy.
  const state = before.find((f) => /^[0-9a-f]{64}\.state$/.test(f))!
  const copy = before.find((f) => /^[0-9a-f-]{36}\.csv$/.test(f))!
  expect(before.sort()).toEqual([state, copy].sort())
  for (const name of before) expect(await readFile(join(bulkDir, name), 'utf8')).not.toContain(alice.password)
  const signedInBefore = await expect.poll(logins).toBeGreaterThanOrEqual(checked).then(logins)

  // Quit and start the app again: soon after, without the bulk page, the old copy of the list is
  // gone and the results stay.
  const url = await world.restart()
  await expect.poll(() => readdir(bulkDir), { timeout: 10_000 }).not.toContain(copy)
  expect(await readdir(bulkDir)).toContain(state)
  await page.goto(url)
  await openBulk(page)
  await pick(page, 'restart.csv', lines)
  await expect(page.locator('.bulk-earlier')).toHaveText(
    `An earlier check of this list stopped after ${checked} of ${total} accounts; their results are kept. ` +
      'Resume checks only the rest; the other button checks every account again.'
  )
  await page.getByRole('button', { name: 'Resume (check only the rest)' }).click()
  await expect(page.getByRole('status').filter({ hasText: `Done: ${total} checked, ${total} ready.` })).toBeVisible()
  await expect(page.locator('#bulk-progress-text')).toContainText(`${total} of ${total} checked`)
  // The table holds the earlier rows and the rest, each once.
  const shown = await page
    .locator('table.bulk-results tbody tr')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-row'))).sort((a, b) => a - b))
  expect(shown).toEqual(oneTo(total))
  expect(rowNumbers(await download(page, 'Save the results (CSV)'))).toEqual(oneTo(total))
  // Only the rows the first run did not finish signed in again: one IMAP sign-in each.
  await expect.poll(logins).toBe(signedInBefore + total - checked)
  // The list was fully checked: no copy of any list is left, the results stay for the reports; no password.
  const left = await readdir(bulkDir)
  expect(left).toContain(state)
  expect(left.filter((f) => f.endsWith('.csv'))).toEqual([])
  for (const name of left) expect(await readFile(join(bulkDir, name), 'utf8')).not.toContain(alice.password)
  delete process.env[variable]
})

test('bulk check: 10,000 rows keep the page to 500 of them, those needing attention first; the reports hold every row', async ({
  wizard: page,
  world
}) => {
  const { alice, bob } = world.bench.users
  const [right, wrong] = [
    `MAIL_SETUP_E2E_BULK_R${test.info().workerIndex}`,
    `MAIL_SETUP_E2E_BULK_W${test.info().workerIndex}`
  ]
  process.env[right] = alice.password
  process.env[wrong] = 'not-bobs-password'
  // Rows without a password end at once (nothing to sign in with); two rows sign in for real.
  const lines = Array.from({ length: 10_000 }, (_, i) => `user${i + 1}@${world.bench.domain},`)
  lines[4] = `${alice.address},env:${right}`
  lines[9_989] = `${bob.address},env:${wrong}`
  await openBulk(page)
  await pick(page, 'big.csv', ['address,password_ref', ...lines])
  await page.getByRole('button', { name: 'Check 10000 accounts' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Done: 10000 checked, 1 ready.' })).toBeVisible()
  await expect(page.locator('#bulk-progress-text')).toContainText('10000 of 10000 checked')
  await expect(page.locator('.verdict-counts')).toContainText('No password')
  await expect(page.locator('.verdict-counts')).toContainText(': 9998')

  // The table holds 500 rows; the refused sign-in, near the end of the list, is among them.
  const rows = page.locator('table.bulk-results tbody tr')
  await expect(rows).toHaveCount(500)
  await expect(page.locator('tr[data-row="9990"]')).toContainText('Sign-in refused')
  await expect(page.locator('tr[data-row="5"]')).toHaveCount(0)
  await expect(page.locator('.bulk-not-shown')).toContainText('The table shows 500 of the accounts')
  await expect(page.locator('.bulk-not-shown')).toContainText('9500 more were checked')

  // Every row is in the report main streams to the page, the ready one too.
  const csv = await download(page, 'Save the results (CSV)')
  const results = csv.trim().split('\n').slice(1)
  expect(results).toHaveLength(10_000)
  expect(results.filter((l) => l.includes(',ready,'))).toEqual([
    expect.stringMatching(new RegExp(`^5,${alice.address},ready,`))
  ])
  expect(csv).not.toContain(alice.password)
  delete process.env[right]
  delete process.env[wrong]
})
