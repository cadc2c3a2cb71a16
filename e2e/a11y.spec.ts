// axe on every step, in English and Arabic, light and dark; a screenshot of each as an artefact.
import AxeBuilder from '@axe-core/playwright'
import { test, expect, shot } from './fixtures'
import { walkAllSteps, walkPlaintextOffer } from './walk'
import { plaintextSmtp } from '../test/fakes/hosts'
import { internalCodes, sidewaysScroll, untranslatedWords } from './look'
import { BROKEN, CONTOSO, startPolicyWorld, type PolicyWorld } from './policy-world'
import type { Page } from '@playwright/test'

/** axe's findings on the page as it is now, one line each, named by the step. */
async function axeFindings(page: Page, step: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze()
  return result.violations.map(
    (v) => `${step}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
  )
}

// The walks in two halves, each a test of its own, so that neither comes near the time limit on
// a busy machine (whole, the first test in a worker took 44-50 s of 90 in CI runs, 81 s under
// load); each half still walks from the start, visiting only its own steps.
const HALVES = [
  { name: 'address to the check', visits: (step: string) => step < '6' },
  { name: 'manual settings to the helpdesk', visits: (step: string) => step >= '6' }
]

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    for (const half of HALVES) {
      test(`axe finds nothing on any step, ${half.name}: ${lang}, ${theme}`, async ({ wizard: page, world }, info) => {
        await page.emulateMedia({ colorScheme: theme })
        if (lang !== 'en') {
          await page.locator('.language select').selectOption(lang)
          await expect(page.locator('html')).toHaveAttribute('lang', lang)
        }
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
        const found: string[] = []
        const visited: string[] = []
        await walkAllSteps(page, world, async (step) => {
          if (!half.visits(step)) return
          visited.push(step)
          found.push(...(await axeFindings(page, step)))
          await shot(page, info, `${lang}-${theme}-${step}`)
        })
        expect(visited.length).toBeGreaterThan(3)
        expect(found).toEqual([])
      })
    }
  }
}

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds nothing on the unencrypted sign-in offer: ${lang}, ${theme}`, async ({
      wizard: page,
      world
    }, info) => {
      const fake = await plaintextSmtp(
        world.bench,
        `smtp-${lang}-${theme}.plaintext.bench.test`,
        world.bench.users.alice,
        [587]
      )
      try {
        await page.emulateMedia({ colorScheme: theme })
        if (lang !== 'en') await page.locator('.language select').selectOption(lang)
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
        const found: string[] = []
        await walkPlaintextOffer(page, world, fake.host, async (step) => {
          const result = await new AxeBuilder({ page })
            .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
            .analyze()
          for (const v of result.violations)
            found.push(`${step}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
          await shot(page, info, `${lang}-${theme}-${step}`)
        })
        expect(found).toEqual([])
      } finally {
        await fake.close()
      }
    })
  }
}

test('reduced motion: the progress spinner does not spin', async ({ wizard: page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.evaluate(() => {
    const s = document.createElement('span')
    s.className = 'spinner'
    s.id = 'probe-spinner'
    document.body.append(s)
  })
  const duration = await page
    .locator('#probe-spinner')
    .evaluate((el) => parseFloat(getComputedStyle(el).animationDuration))
  expect(duration).toBeLessThan(0.01)
  await page.emulateMedia({ reducedMotion: 'no-preference' })
  const normal = await page
    .locator('#probe-spinner')
    .evaluate((el) => parseFloat(getComputedStyle(el).animationDuration))
  expect(normal).toBeGreaterThan(0.1)
})

test.describe('at 800×600', () => {
  test.use({ viewport: { width: 800, height: 600 } })
  for (const lang of ['en', 'ar'] as const) {
    for (const half of HALVES) {
      test(`nothing scrolls sideways and axe finds nothing, ${half.name}: ${lang}`, async ({
        wizard: page,
        world
      }, info) => {
        if (lang !== 'en') await page.locator('.language select').selectOption(lang)
        const found: string[] = []
        const visited: string[] = []
        await walkAllSteps(page, world, async (step) => {
          if (!half.visits(step)) return
          visited.push(step)
          const overflow = await page.evaluate(() => {
            const wide = (el: Element) => el.scrollWidth > el.clientWidth + 1
            return {
              page: wide(document.documentElement),
              tables: [...document.querySelectorAll('.matrix-wrap')].filter(wide).length
            }
          })
          if (overflow.page || overflow.tables) found.push(`${step}: too wide ${JSON.stringify(overflow)}`)
          // A time is one unit of reading: its number and unit never split over two lines.
          const split = await page.evaluate(
            () =>
              [...document.querySelectorAll('.ms')].filter((el) => {
                const range = document.createRange()
                range.selectNodeContents(el)
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1
              }).length
          )
          if (split) found.push(`${step}: ${split} times split over two lines`)
          const result = await new AxeBuilder({ page }).analyze()
          for (const v of result.violations)
            found.push(`${step}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
          await shot(page, info, `${lang}-800x600-${step}`)
        })
        expect(visited.length).toBeGreaterThan(3)
        expect(found).toEqual([])
      })
    }
  }
})

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds nothing in the helpdesk's domain and bulk checks: ${lang}, ${theme}`, async ({
      wizard: page,
      world
    }, info) => {
      await page.emulateMedia({ colorScheme: theme })
      if (lang !== 'en') await page.locator('.language select').selectOption(lang)
      await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
      const found: string[] = []
      const check = async (step: string): Promise<void> => {
        found.push(...(await axeFindings(page, step)))
        const wide = await page.evaluate(
          () => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1
        )
        if (wide) found.push(`${step}: the page scrolls sideways`)
        await shot(page, info, `${lang}-${theme}-${step}`)
      }
      await page.locator('.app-header .link-button').click()
      await page.locator('.helpdesk-tools li:nth-child(2) button').click()
      await check('domain-empty')
      await page.locator('#dom-domain').fill(world.bench.domain)
      await page.keyboard.press('Enter')
      await expect(page.locator('table.domain-hosts tbody tr').first()).toBeVisible()
      await expect(page.locator('.domain-publish button.primary')).toBeEnabled()
      await check('domain-checked')
      await page.locator('.domain-publish button.primary').click()
      await expect(page.locator('[data-recheck="srv"]')).toBeVisible()
      await check('domain-publish')

      await page.locator('.helpdesk-tools li:nth-child(3) button').click()
      await check('bulk-empty')
      const { alice } = world.bench.users
      await page.locator('#bulk-file').setInputFiles({
        name: 'list.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`address,password_ref\n${alice.address},cmd:printf wrong\n`)
      })
      await expect(page.locator('#bulk-commands')).toBeVisible()
      await check('bulk-consent')
      await page.locator('#bulk-commands').check()
      await page.locator('.bulk-consent ~ .actions button.primary').click()
      await expect(page.locator('table.bulk-results tbody tr')).toHaveCount(1)
      await expect(page.locator('.bulk-progress [role="status"]')).not.toBeEmpty()
      await check('bulk-done')
      expect(found).toEqual([])
    })
  }
}

// The organisation's policy as the wizard shows it: the notice (open), the protocol step under
// IMAP only, an error card with the support contact, a locked domain's read-only fields, and a
// broken file's warning; in English and Arabic, light and dark.
for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds nothing in the policy's states: ${lang}, ${theme}`, async ({ page }, info) => {
      const found: string[] = []
      const check = async (step: string): Promise<void> => {
        found.push(...(await axeFindings(page, step)))
        for (const wide of await sidewaysScroll(page)) found.push(`${step}: ${wide}`)
        found.push(...(await internalCodes(page)).map((x) => `${step}: code ${x}`))
        // The policy's own words (the steps' are checked by their specs; the bench's provider name is English).
        const policyParts = '.policy-notice, .diagnosis .support, .note.locked, .policy-only'
        if (lang === 'ar')
          found.push(...(await untranslatedWords(page, policyParts)).map((x) => `${step}: English "${x}"`))
        await shot(page, info, `${lang}-${theme}-${step}`)
      }
      const begin = async (world: PolicyWorld): Promise<void> => {
        // A fresh page each time: the same URL again would only move to its fragment.
        await page.goto('about:blank')
        await page.goto(world.url)
        await page.emulateMedia({ colorScheme: theme })
        if (lang !== 'en') await page.locator('.language select').selectOption(lang)
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
      }
      const primary = page.locator('main .actions button.primary').last()
      const contoso = await startPolicyWorld(CONTOSO)
      try {
        await begin(contoso)
        await page.locator('#address').fill(contoso.bench.users.alice.address)
        await primary.click()
        await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
        // Open, above a step whose own words are all translated (the address step's example is not).
        await page.locator('.policy-notice summary').click()
        await expect(page.locator('.policy-notice .support-contact')).toBeVisible()
        await check('policy-notice')
        await primary.click()
        await expect(page.locator('.policy-only')).toBeVisible()
        await check('policy-imap-only')
        await primary.click()
        await page.locator('#password').fill('wrong-password')
        await primary.click()
        await expect(page.locator('section.diagnosis .support-contact')).toBeVisible()
        await check('policy-error-card')
        await begin(contoso)
        await page.locator('#address').fill('dana@contoso.example')
        await primary.click()
        await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
        await page.locator('.stepper button.manual-link').click()
        await expect(page.locator('#locked-servers')).toBeVisible()
        await check('policy-locked')
      } finally {
        await contoso.stop()
      }
      const broken = await startPolicyWorld(BROKEN)
      try {
        await begin(broken)
        await expect(page.locator('.policy-invalid')).toBeVisible()
        await page.locator('#address').fill(broken.bench.users.alice.address)
        await primary.click()
        await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
        await check('policy-invalid')
      } finally {
        await broken.stop()
      }
      expect(found).toEqual([])
    })
  }
}
