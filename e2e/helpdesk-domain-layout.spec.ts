// How the domain view's servers read at 1024×768, left to right and right to left: one group per
// certificate, the certificate read once across the width and a line under it for each server
// that shows it (the bench's one certificate was repeated for each of its 14 servers); a host name
// never breaks inside the name (wherever it appears: the server, the certificate's names); nothing
// scrolls sideways; and no line grows taller than a few lines of text. Screenshots of each
// language as artefacts.
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

/** Each certificate's line and each server's line, measured in lines of the table's text. */
function rowHeightsInLines(page: Page): Promise<{ certs: number[]; servers: Array<{ host: string; lines: number }> }> {
  return page.evaluate(() => {
    const table = document.querySelector('table.domain-hosts')!
    const line = parseFloat(getComputedStyle(table).lineHeight) || parseFloat(getComputedStyle(table).fontSize) * 1.2
    const lines = (el: Element): number => Math.round((el.getBoundingClientRect().height / line) * 10) / 10
    return {
      certs: [...table.querySelectorAll('tbody tr.cert-line')].map(lines),
      servers: [...table.querySelectorAll('tbody tr[data-host]')].map((r) => ({
        host: r.getAttribute('data-host') ?? '',
        lines: lines(r)
      }))
    }
  })
}

/** Each shown certificate's fingerprint, and the servers listed under it. */
function certificateGroups(page: Page): Promise<Array<{ cert: string; hosts: string[] }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.domain-hosts tbody')].map((g) => ({
      cert: g.getAttribute('data-cert') ?? '',
      hosts: [...g.querySelectorAll('tr[data-host]')].map((r) => r.getAttribute('data-host') ?? '')
    }))
  )
}

for (const lang of ['en', 'ar'] as const) {
  test(`domain view at 1024×768, ${lang}: one group per certificate, host names whole, nothing sideways`, async ({
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
    const mail = table.locator('tbody', {
      has: page.locator(`tr[data-host="${world.bench.mailHost}:${world.bench.ports.imaps}"]`)
    })
    await expect(mail.locator('tr.cert-line .host-name').first()).toBeVisible()

    // Pictures first, to look at whatever the checks below say.
    await table.scrollIntoViewIfNeeded()
    const path = info.outputPath(`domain-hosts-${lang}.png`)
    await table.screenshot({ path })
    await info.attach(`domain-hosts-${lang}`, { path, contentType: 'image/png' })
    await shot(page, info, `domain-${lang}-1024`)

    // The bench's servers share its one certificate: it is shown once, with every server that shows it.
    const groups = await certificateGroups(page)
    const certs = groups.map((g) => g.cert).filter((c) => c !== 'none')
    expect(new Set(certs).size).toBe(certs.length)
    const shared = groups.find((g) => g.hosts.includes(`${world.bench.mailHost}:${world.bench.ports.imaps}`))!
    expect(shared.cert).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
    expect(shared.hosts).toEqual(
      expect.arrayContaining([
        `${world.bench.mailHost}:${world.bench.ports.submission}`,
        `${world.bench.mailHost}:${world.bench.ports.pop3s}`
      ])
    )
    await expect(mail.locator('tr.cert-line')).toHaveCount(1)

    expect(await brokenHostNames(page)).toEqual([])
    expect(await sidewaysScroll(page)).toEqual([])
    const heights = await rowHeightsInLines(page)
    expect(heights.servers.length).toBeGreaterThan(1)
    // A certificate's line: names, expiry, issuer, server names (up to three lines, with padding);
    // a server's line: its sources may wrap once.
    expect(heights.certs.filter((lines) => lines > 4.5)).toEqual([])
    expect(heights.servers.filter((s) => s.lines > 3)).toEqual([])
  })
}
