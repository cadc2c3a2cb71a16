// A real server that says "slow down", through the wizard: Postfix allowing one AUTH command a
// minute (the second bench's smtp.limited.test). The card carries Postfix's own words, and
// "Check again" in the same session sends nothing more to it (counted in Postfix's log).
import { readFile } from 'node:fs/promises'
import { test, expect } from './fixtures'
import { typeSettings } from './steps'
import type { World } from './world'

/** AUTH answers the limited listener logged: 'refused' or 'limited', in order. */
async function limitedAnswers(world: World): Promise<string[]> {
  const lines = (await readFile(world.bench.second.postfixLog, 'utf8'))
    .split('\n')
    .filter((l) => l.includes('postfix/limited/'))
  return lines.flatMap((l) =>
    /SASL \S+ authentication failed/.test(l)
      ? ['refused']
      : /AUTH command rate limit exceeded/.test(l)
        ? ['limited']
        : []
  )
}

test('rate-limited by the server: its words on the card, and checking again sends no sign-in', async ({
  wizard: page,
  world
}) => {
  const { carol } = world.bench.second.users
  const second = world.bench.second
  await typeSettings(
    page,
    carol.address,
    { host: second.host, port: 993, security: 'tls', username: 'carol' },
    { host: second.limitedHost, port: 587, security: 'starttls', username: 'carol' }
  )

  // A mistyped password: the minute's one AUTH is refused.
  await page.getByLabel('Password', { exact: true }).fill('mistyped')
  await page.getByRole('button', { name: 'Check settings' }).click()
  const card = page.locator('section.diagnosis')
  await expect(card).toBeVisible()
  await expect.poll(() => limitedAnswers(world)).toEqual(['refused'])

  // The right password now: Postfix says too many AUTH commands.
  await page.getByRole('button', { name: 'Change username or password' }).click()
  await page.getByLabel('Password', { exact: true }).fill(carol.password)
  await page.getByRole('button', { name: 'Check settings' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The server asked us to slow down' })).toBeVisible()
  await expect(card).toContainText(/450 4\.7\.1 Error: too many AUTH commands/)
  await expect.poll(() => limitedAnswers(world)).toEqual(['refused', 'limited'])

  // Check again at once: the answer is held for the session, nothing is sent.
  await page.getByRole('button', { name: 'Check again' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The server asked us to slow down' })).toBeVisible()
  await expect(card).toContainText(/too many AUTH commands/)
  // Postfix writes its line within milliseconds of an AUTH; give it a moment to prove none came.
  await page.waitForTimeout(500)
  expect(await limitedAnswers(world)).toEqual(['refused', 'limited'])
})
