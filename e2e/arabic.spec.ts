// Arabic, right to left: mirrored layout, Arabic words everywhere including the diagnosis
// catalog, host names kept left to right, and the language remembered on reload.
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures'

const ui = JSON.parse(readFileSync('src/shared/locales/ar.json', 'utf8')).ui
const diagnosis = JSON.parse(readFileSync('src/shared/locales/ar.json', 'utf8')).diagnosis

test('Arabic: right to left through a failed and a successful check', async ({ wizard: page, world }) => {
  const { alice } = world.bench.users
  await page.getByLabel('Language').selectOption('ar')
  const html = page.locator('html')
  await expect(html).toHaveAttribute('dir', 'rtl')
  await expect(html).toHaveAttribute('lang', 'ar')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui.address.title)

  // Mirrored: the first step of the stepper is at the right, the brand too.
  const steps = page.locator('.stepper li')
  const first = (await steps.nth(0).boundingBox())!
  const second = (await steps.nth(1).boundingBox())!
  expect(first.x).toBeGreaterThan(second.x)
  const brand = (await page.locator('.brand').boundingBox())!
  expect(brand.x).toBeGreaterThan(500)

  const address = page.getByLabel(ui.address.address)
  await expect(address).toHaveAttribute('dir', 'ltr')
  await address.fill(alice.address)
  await page.getByRole('button', { name: ui.common.continue }).click()
  await expect(page.getByRole('heading', { level: 1, name: ui.finding.title })).toBeFocused()
  await page.getByRole('button', { name: ui.common.continue }).click()
  await expect(page.getByText(ui.choose.recommended)).toBeVisible()
  await page.getByRole('button', { name: ui.common.continue }).click()
  await page.getByLabel(ui.signin.password, { exact: true }).fill('wrong')
  await page.getByRole('button', { name: ui.signin.check }).click()

  const card = page.locator('section.diagnosis')
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(diagnosis['auth-failed'].title)
  await expect(card).toContainText(ui.diagnosisCard.what)
  // The server's words and host names stay left to right inside the Arabic text.
  await expect(card.locator('pre.server-says')).toHaveAttribute('dir', 'ltr')
  await expect(page.locator('table.matrix caption').first()).toHaveText(ui.checking.incoming)

  await page.getByRole('button', { name: ui.checking.fixSignIn }).click()
  await page.getByLabel(ui.signin.password, { exact: true }).fill(alice.password)
  await page.getByRole('button', { name: ui.signin.check }).click()
  await expect(page.getByText(ui.checking.allGood)).toBeVisible()
  await page.getByRole('button', { name: ui.common.continue }).click()
  await expect(page.getByRole('heading', { level: 1, name: ui.done.title })).toBeFocused()
  await expect(page.getByText(ui.done.keychain.stored)).toBeVisible()

  await page.reload()
  await expect(html).toHaveAttribute('dir', 'rtl')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui.address.title)
})
