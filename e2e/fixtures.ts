// Playwright fixtures: a world (bench + browser-mode server) per worker, and a page that
// has the wizard open. Screenshots go into the test's output folder and the report.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test'
import { startWorld, type World } from './world'

export const test = base.extend<{ wizard: Page }, { world: World }>({
  world: [
    async ({}, use) => {
      const dir = process.env.MAIL_SETUP_E2E_RENDERER
      if (!dir) throw new Error('MAIL_SETUP_E2E_RENDERER is not set: run through playwright.config.ts')
      const world = await startWorld(dir)
      await use(world)
      await world.stop()
    },
    { scope: 'worker', timeout: 60_000 }
  ],
  wizard: async ({ page, world }, use) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(world.url)
    await expect(page.getByLabel('Email address')).toBeVisible()
    await use(page)
    expect(errors, 'no script errors in the page').toEqual([])
  }
})

export { expect }

/** Saves a screenshot as a test artefact (file in the output folder, attached to the report). */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true, animations: 'disabled' })
  await info.attach(name, { path, contentType: 'image/png' })
}
