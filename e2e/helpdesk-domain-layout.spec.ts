// How the domain view's servers read at 1024×768, left to right and right to left: one group per
// server with its certificate on a line of its own under it; a host name never breaks inside the
// name (wherever it appears: the server, the certificate's names); nothing scrolls sideways; and
// no server's group grows taller than a few lines. Screenshots of each language as artefacts.
import type { Page } from '@playwright/test'
import { test, expect, shot } from './fixtures'
import { sidewaysScroll } from './look'

/** Host names laid out over more than one line, as "text (n lines)". */
function brokenHostNames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.domain-hosts .host-name')].flatMap((el) => {
      const range = document.createRange()
      range.selectNodeContents(el)
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
      return lines > 1 ? [`${el.textContent} (${lines} lines)`] : []
    })
  )
}

/** Each server's group (its line and its certificate's) measured in lines of the table's text. */
function groupHeightsInLines(page: Page): Promise<Array<{ host: string; lines: number }>> {
  return page.evaluate(() => {
    const table = document.querySelector('table.domain-hosts')!
    const line = parseFloat(getComputedStyle(table).lineHeight) || parseFloat(getComputedStyle(table).fontSize) * 1.2
    return [...table.querySelectorAll('tbody')].map((g) => ({
      host: g.getAttribute('data-host') ?? '',
      lines: Math.round((g.getBoundingClientRect().height / line) * 10) / 10
    }))
  })
}

for (const lang of ['en', 'ar'] as const) {
  test(`domain view at 1024×768, ${lang}: one group per server, host names whole, nothing sideways`, async ({
    wizard: page,
    world
  }, info) => {
    if (lang !== 'en') await page.locator('.language select').selectOption(lang)
    await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
    await page.locator('.app-header .link-button').click()
    await page.locator('.helpdesk-tools li:nth-child(2) button').click()
    await page.locator('#dom-domain').fill(world.bench.domain)
    await page.keyboard.press('Enter')
    await expect(page.locator('.domain-publish button.primary')).toBeEnabled()
    const table = page.locator('table.domain-hosts')
    const mail = table.locator(`tbody[data-host="${world.bench.mailHost}:${world.bench.ports.imaps}"]`)
    await expect(mail.locator('tr')).toHaveCount(2)
    await expect(mail.locator('tr.cert-line .host-name').first()).toBeVisible()

    // Pictures first, to look at whatever the checks below say.
    await table.scrollIntoViewIfNeeded()
    const path = info.outputPath(`domain-hosts-${lang}.png`)
    await table.screenshot({ path })
    await info.attach(`domain-hosts-${lang}`, { path, contentType: 'image/png' })
    await shot(page, info, `domain-${lang}-1024`)

    expect(await brokenHostNames(page)).toEqual([])
    expect(await sidewaysScroll(page)).toEqual([])
    const heights = await groupHeightsInLines(page)
    expect(heights.length).toBeGreaterThan(1)
    // The server's line (its sources may wrap once) and its certificate's (names, expiry, issuer: up
    // to three), with the padding around them. In the old layout the certificate's names alone
    // took 8 lines of a narrow column.
    expect(heights.filter((h) => h.lines > 7)).toEqual([])
  })
}
