// A finish for people: on a computer with Thunderbird, Done recommends it first with one action,
// "Add to Thunderbird" writes the account into the chosen (closed) profile, every other format
// waits under "Other programs" in groups, and Finish / Add another account end the walk.
// Screenshots of the Done step in light, dark, Arabic and at 720 px; axe on each.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test as base, expect, shot } from './fixtures'
import { startWorld, type World } from './world'
import { untranslatedWords, sidewaysScroll, internalCodes } from './look'

const home = mkdtempSync(join(tmpdir(), 'e2e-clients-home-'))
const profile = join(home, '.thunderbird', 'k3x9.default-release')

const test = base.extend<object, { world: World }>({
  world: [
    async ({}, use) => {
      await mkdir(profile, { recursive: true })
      await writeFile(
        join(home, '.thunderbird', 'profiles.ini'),
        '[Profile0]\nName=default-release\nIsRelative=1\nPath=k3x9.default-release\nDefault=1\n'
      )
      const world = await startWorld(process.env.MAIL_SETUP_E2E_RENDERER!, { MAIL_SETUP_CLIENTS_HOME: home })
      await use(world)
      await world.stop()
    },
    { scope: 'worker', timeout: 60_000 }
  ]
})

const primary = (page: Page) => page.locator('main .actions button.primary').last()

/** Address to the Done step by ids and classes, in any language. */
async function toDone(page: Page, world: World): Promise<void> {
  await page.locator('#address').fill(world.bench.users.alice.address)
  await primary(page).click()
  await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
  await primary(page).click()
  await expect(page.locator('input[name="protocol"]').first()).toBeVisible()
  await primary(page).click()
  await page.locator('#password').fill(world.bench.users.alice.password)
  await primary(page).click()
  await expect(page.locator('section.result.good')).toBeVisible()
  await primary(page).click()
  await expect(page.locator('section.recommended')).toBeVisible()
}

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze()
  return result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

test('Thunderbird found: recommended first, added to its profile, other programs grouped, then Finish', async ({
  wizard: page,
  world
}, info) => {
  await toDone(page, world)
  const rec = page.locator('section.recommended')
  await expect(rec.getByRole('heading', { level: 3 })).toHaveText('Recommended for this computer')
  await expect(rec).toContainText('Thunderbird is on this computer.')
  // Recommended comes before everything else; the other formats are one click away, in groups.
  const other = page.getByRole('button', { name: 'Other programs' })
  await expect(other).toHaveAttribute('aria-expanded', 'false')
  expect((await rec.boundingBox())!.y).toBeLessThan((await other.boundingBox())!.y)
  await expect(page.locator('fieldset.formats')).toHaveCount(4)
  await expect(page.locator('fieldset.formats').first()).toBeHidden()
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'done-recommended')

  await rec.getByRole('button', { name: 'Add to Thunderbird' }).click()
  await expect(rec.getByRole('status')).toHaveText(/Added to Thunderbird/)
  const userJs = await readFile(join(profile, 'user.js'), 'utf8')
  expect(userJs).toContain(`user_pref("mail.server.`)
  expect(userJs).toContain(world.bench.mailHost)
  expect(userJs).toContain(world.bench.users.alice.address)
  expect(userJs).not.toContain(world.bench.users.alice.password)

  await other.click()
  await expect(page.locator('fieldset.formats legend')).toHaveText([
    'On a computer',
    'On a phone or tablet',
    'In the terminal',
    'For administrators, or by hand'
  ])
  await page.getByRole('radio', { name: /Apple Mail profile/ }).check()
  await expect(page.locator('pre.preview')).toBeVisible()
  expect(await axe(page)).toEqual([])
  await shot(page, info, 'done-other-programs')

  await page.getByRole('button', { name: 'Finish' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'All set' })).toBeFocused()
  await page.getByRole('button', { name: 'Add another account' }).click()
  await expect(page.getByLabel('Email address')).toHaveValue('')
})

for (const [lang, theme, width] of [
  ['en', 'dark', 1024],
  ['ar', 'light', 1024],
  ['ar', 'dark', 720],
  ['en', 'light', 720]
] as const) {
  test(`Done step, ${lang}, ${theme}, ${width} px: axe clean, no sideways scroll${lang === 'ar' ? ', no English' : ''}`, async ({
    wizard: page,
    world
  }, info) => {
    await page.setViewportSize({ width, height: 900 })
    await page.emulateMedia({ colorScheme: theme })
    if (lang !== 'en') await page.locator('.language select').selectOption(lang)
    await toDone(page, world)
    await page.locator('button[aria-controls="other-programs"]').click()
    await page.locator('input[name="format"][value="thunderbird-userjs"]').check()
    await expect(page.locator('pre.preview')).toBeVisible()
    const found = [...(await axe(page)), ...(await sidewaysScroll(page)), ...(await internalCodes(page))]
    if (lang === 'ar') found.push(...(await untranslatedWords(page)).map((w) => `English "${w}"`))
    await shot(page, info, `done-${lang}-${theme}-${width}`)
    expect(found).toEqual([])
  })
}
