// The IMAP path to "done" against the bench's real Dovecot and SMTP relay, with the round
// trip, the saved account, the keychain and the export hand-off.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { acceptFound, enterAddress, expectAllGood, toChecked } from './steps'

test('IMAP: address to done, test message, keychain, export with preview, QR and download', async ({
  wizard: page,
  world
}) => {
  const { alice } = world.bench.users
  // Every operation the wizard asks main for, with what it sent (browser mode: POST /api/op/<name>).
  const sent: Array<{ op: string; body: string }> = []
  page.on('request', (r) => {
    const op = /\/api\/op\/(\w+)$/.exec(new URL(r.url()).pathname)?.[1]
    if (op) sent.push({ op, body: r.postData() ?? '' })
  })
  await toChecked(page, alice.address, alice.password, 'IMAP')

  // The matrix shows the IMAP row that worked, with times.
  const imapRow = page.locator('tr[data-probe="mail.bench.test:993"]')
  await expect(imapRow).toContainText('Works')
  await expect(imapRow).toContainText(/\d+\s+ms/) // a no-break space keeps number and unit together
  await expect(page.locator('table.matrix caption')).toHaveText(['Incoming mail', 'Outgoing mail'])
  await expect(page.locator('tr[data-probe$=":995"]')).toHaveCount(0)

  // The password is not kept in the page once sent.
  await expect(page.locator('input[type="password"]')).toHaveCount(0)

  await page.getByRole('button', { name: 'Send a test message' }).click()
  await expect(page.getByText(/The test message was sent in .* and arrived in/)).toBeVisible()

  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is ready' })).toBeFocused()
  const card = page.locator('section.settings-card')
  await expect(card).toContainText('mail.bench.test')
  await expect(card).toContainText('993')
  await expect(card).toContainText('IMAP')
  await expect(page.getByText(/Your password is saved in your system's keychain under/)).toBeVisible()
  await expect(page.getByText('Mail Setup Test')).toBeVisible()

  // The account is on disk, without the password.
  const accountsFile = await readFile(join(world.bench.env.MAIL_SETUP_USER_DATA!, 'accounts.json'), 'utf8')
  expect(accountsFile).toContain(alice.address)
  expect(accountsFile).not.toContain(alice.password)

  // Export: a text format previews and downloads (browser mode has no save dialog).
  await page.getByRole('radio', { name: /msmtp/i }).check()
  const preview = page.locator('pre.preview')
  await expect(preview).toContainText('mail.bench.test')
  expect(await preview.textContent()).not.toContain(alice.password)
  await expect(page.getByRole('heading', { name: 'How to use this file' })).toBeVisible()
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: /^Download/ }).click()
  const file = await download
  const saved = await readFile(await file.path(), 'utf8')
  expect(saved).toContain('mail.bench.test')
  expect(saved).not.toContain(alice.password)

  // The Android QR code is shown as an image.
  await page
    .getByRole('radio', { name: /Android/ })
    .first()
    .check()
  const qr = page.getByRole('img', { name: /QR code/ })
  await expect(qr).toBeVisible()
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(50)

  // One way through: one search for the whole wizard (the check names a candidate by id), and
  // no request carries back a server, a check's result, a time or bytes that main produced.
  expect(sent.filter((r) => r.op === 'discover')).toHaveLength(1)
  // The sign-in step asked once for the servers' connections while the password was typed.
  expect(sent.filter((r) => r.op === 'prepare')).toHaveLength(1)
  for (const op of ['verify', 'roundTrip', 'saveAccount']) {
    const bodies = sent.filter((r) => r.op === op).map((r) => r.body)
    expect(bodies.length, op).toBeGreaterThan(0)
    for (const body of bodies)
      expect(body, op).not.toMatch(/mail\.bench\.test|"verifiedAt"|"incoming"|"outgoing"|"probes"|"content"/)
  }

  // Back and forward keep everything: the checked result is still there.
  await page.getByRole('button', { name: 'Back' }).click()
  await expect(page.getByText('All checks passed.')).toBeVisible()
  await page.goForward()
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is ready' })).toBeVisible()
})

test('a typed password that was never sent is dropped on leaving the sign-in step; the username edit stays', async ({
  wizard: page,
  world
}) => {
  const { alice } = world.bench.users
  await enterAddress(page, alice.address)
  await acceptFound(page)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
  const password = page.getByLabel('Password', { exact: true })
  const username = page.getByLabel('Username')
  await username.fill(`${alice.address} `)
  await password.fill('typed but never sent')

  // Back by button, then by the browser: neither brings the password back.
  await page.getByRole('button', { name: 'Back' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'How should your mail be kept?' })).toBeFocused()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(password).toHaveValue('')
  await expect(username).toHaveValue(`${alice.address} `)
  await password.fill('typed again, never sent')
  await page.goBack()
  await expect(page.getByRole('heading', { level: 1, name: 'How should your mail be kept?' })).toBeFocused()
  await page.goForward()
  await expect(password).toHaveValue('')

  // What is typed now is sent and works.
  await password.fill(alice.password)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expectAllGood(page)
})
