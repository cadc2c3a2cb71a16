// A server's words read left to right inside the Arabic (right-to-left) page wherever they are
// shown (the bulk results table, the error card, the check's details), also when they wrap: the
// first character is at the left of the first line and the last one (Dovecot's full stop) at the
// right of the last line. Measured with DOM Ranges over each character at many widths, with real
// refusals from the bench's Dovecot. Without the left-to-right isolation the full stop of
// "Authentication failed." goes to the left of its line (".Authentication failed").
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

interface Sweep {
  /** The server-words elements' texts that were measured. */
  checked: string[]
  /** Widths at which some server words took more than one line. */
  wrapped: number
  /** "width: text" for each place whose first or last character is not where left-to-right text puts it. */
  misplaced: string[]
}

/**
 * Narrows `box` step by step and, at each width, checks every `words` element inside it: on the
 * line holding its last character nothing of it lies further right, and on the line holding its
 * first character nothing lies further left.
 */
function sweep(page: Page, box: string, words: string, widths: number[]): Promise<Sweep> {
  return page.evaluate(
    ({ box, words, widths }) => {
      const container = document.querySelector<HTMLElement>(box)!
      const out = { checked: [] as string[], wrapped: 0, misplaced: [] as string[] }
      for (const w of widths) {
        container.style.width = container.style.minWidth = container.style.maxWidth = `${w}px`
        let wrapped = false
        for (const el of container.querySelectorAll(words)) {
          const glyphs: Array<{ c: string; r: DOMRect }> = []
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
          for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
            for (let i = 0; i < n.length; i++) {
              if (!n.data[i]!.trim()) continue
              const range = document.createRange()
              range.setStart(n, i)
              range.setEnd(n, i + 1)
              const r = range.getBoundingClientRect()
              if (r.width > 0) glyphs.push({ c: n.data[i]!, r })
            }
          }
          if (glyphs.length < 2) continue
          if (w === widths[0]) out.checked.push(el.textContent ?? '')
          const mid = (r: DOMRect): number => (r.top + r.bottom) / 2
          const sameLine = (a: DOMRect) => glyphs.filter((g) => Math.abs(mid(g.r) - mid(a)) < 3).map((g) => g.r)
          const first = glyphs[0]!.r
          const last = glyphs[glyphs.length - 1]!.r
          if (Math.abs(mid(first) - mid(last)) >= 3) wrapped = true
          const endOk = last.right >= Math.max(...sameLine(last).map((r) => r.right)) - 0.5
          const startOk = first.left <= Math.min(...sameLine(first).map((r) => r.left)) + 0.5
          if (!endOk || !startOk) out.misplaced.push(`${w}px: ${el.textContent}`)
        }
        if (wrapped) out.wrapped++
      }
      container.style.width = container.style.minWidth = container.style.maxWidth = ''
      return out
    },
    { box, words, widths }
  )
}

const widths = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step)

test('Arabic bulk table: the server words keep their full stop at the end when they wrap', async ({
  wizard: page,
  world
}) => {
  await page.locator('.language select').selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await page.locator('.app-header .link-button').click()
  await page.locator('.helpdesk-tools li:nth-child(3) button').click()
  const { alice } = world.bench.users
  await page.locator('#bulk-file').setInputFiles({
    name: 'list.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`address,password_ref\n${alice.address},cmd:printf wrong\n`)
  })
  await page.locator('#bulk-commands').check()
  await page.locator('.bulk-consent ~ .actions button.primary').click()
  const why = page.locator('table.bulk-results tbody tr td:nth-child(4)')
  await expect(why).toContainText('Authentication failed.')
  const result = await sweep(page, 'table.bulk-results tbody tr td:nth-child(4)', '.hint', widths(60, 420, 4))
  // The words did wrap at many of those widths (so the check saw wrapped lines), and never misread.
  expect(result.checked).toEqual([expect.stringMatching(/Authentication failed\.$/)])
  expect(result.wrapped).toBeGreaterThan(20)
  expect(result.misplaced).toEqual([])
})

test("Arabic error card and check details: the server's words keep their order when they wrap", async ({
  wizard: page,
  world
}) => {
  const { alice } = world.bench.users
  await page.locator('.language select').selectOption('ar')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await page.locator('#address').fill(alice.address)
  await page.locator('.actions button.primary').click()
  await page.locator('.actions button.primary').click()
  await page.locator('.actions button.primary').click()
  await page.locator('input[type="password"]').first().fill('wrong')
  await page.locator('.actions button.primary').click()
  const card = page.locator('section.diagnosis')
  await expect(card.locator('.server-says')).toContainText('Authentication failed.')
  const onCard = await sweep(page, 'section.diagnosis', '.server-says', widths(120, 600, 6))
  expect(onCard.checked).toEqual([expect.stringMatching(/Authentication failed\./)])
  expect(onCard.wrapped).toBeGreaterThan(10)
  expect(onCard.misplaced).toEqual([])
  // The details: each step's technical words beside their Arabic name, and the transcript.
  await page.locator('[aria-controls="details"]').click()
  await expect(page.locator('#details .probe-details').first()).toBeVisible()
  const inDetails = await sweep(page, '#details', '.probe-details li bdi, .probe-details pre', widths(160, 640, 8))
  // The sign-in step's words (Dovecot's refusal) are among them, and the transcript.
  expect(inDetails.checked).toContainEqual(
    expect.stringMatching(/NO \[AUTHENTICATIONFAILED\] Authentication failed\.$/)
  )
  expect(inDetails.checked).toContainEqual(expect.stringMatching(/AUTHENTICATE PLAIN/))
  expect(inDetails.wrapped).toBeGreaterThan(10)
  expect(inDetails.misplaced).toEqual([])
})
