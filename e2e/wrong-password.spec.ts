// A wrong password: the diagnosis card in plain words, the way back to sign-in with the password
// field in focus and the refused password never sent again, then success.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
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
  await expect(card).toContainText(catalog['auth-failed'].todo.replace('{{usernames}}', alice.address))
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

  const failedLogins = async (): Promise<number> =>
    (await readFile(world.bench.dovecot.log, 'utf8')).split('\n').filter((l) => /imap-login.*auth failed/.test(l))
      .length
  await expect.poll(failedLogins).toBeGreaterThan(0)
  const refusedOnce = await failedLogins()

  await page.getByRole('button', { name: 'Change username or password' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  // The field most likely wrong has focus, and the page says which username form was refused.
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
  await expect(page.locator('.refusal')).toContainText(
    `The server refused the sign-in with the username ${alice.address}`
  )
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
  await expect(page.getByText(/already in use for this check/)).toHaveCount(0)
  await expect(page.getByLabel('Username')).toHaveValue(alice.address)
  // An empty field and Check never re-send the refused password: the page asks for it instead.
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    'Type the password again. The refused one is not sent a second time.'
  )
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
  expect(await failedLogins()).toBe(refusedOnce)

  await page.getByLabel('Password', { exact: true }).fill(alice.password)
  await page.getByRole('button', { name: 'Show password' }).click()
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text')
  await page.getByRole('button', { name: 'Hide password' }).click()
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password')
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByText('All checks passed.')).toBeVisible()
})
