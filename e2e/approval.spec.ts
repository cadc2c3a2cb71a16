// The user-approval facts on the finding step: the registrable domain of the servers, shown
// whole, before anything is used.
import { test, expect } from './fixtures'
import { enterAddress } from './steps'

test('Finding: every candidate names the registrable domain of its servers', async ({ wizard: page, world }) => {
  await enterAddress(page, world.bench.users.alice.address)
  const first = page.locator('.candidates .choice').first()
  await expect(first.locator('.server-domains')).toContainText('Servers at bench.test')
  // Shown whole: the text is not cut by an ellipsis.
  expect(
    await first
      .locator('.server-domains strong')
      .first()
      .evaluate((el) => getComputedStyle(el).textOverflow)
  ).not.toBe('ellipsis')
  await expect(first.locator('.lookalike')).toHaveCount(0)
})
