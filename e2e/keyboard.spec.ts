// The whole IMAP path with the keyboard alone: focus lands on each step's heading, every
// control is reachable with Tab, and the focused control is visibly outlined.
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

/** Tabs forward until the focused element's accessible text matches, checking focus is visible. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el) return { tag: '', text: '', outline: 'none' }
      if (el === document.body) return { tag: 'body', text: '', outline: 'none' }
      const label = Array.from((el as HTMLInputElement).labels ?? [])
        .map((l) => l.textContent)
        .join(' ')
      const style = getComputedStyle(el)
      return {
        tag: el.outerHTML.slice(0, 120),
        text: `${el.getAttribute('aria-label') ?? ''} ${label ?? ''} ${el.textContent ?? ''} ${(el as HTMLInputElement).value ?? ''}`,
        outline: `${style.outlineStyle} ${style.outlineWidth}`
      }
    })
    if (name.test(focused.text)) {
      expect(focused.outline, `visible focus on ${name}: ${focused.tag}`).toMatch(/^(solid|auto) [2-9]/)
      return
    }
  }
  throw new Error(`could not reach ${name} with Tab`)
}

async function headingFocused(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused()
}

test('keyboard only: address to done and a downloaded profile', async ({ wizard: page, world }) => {
  const { alice } = world.bench.users
  // The address field has focus from the start.
  await expect(page.getByLabel('Email address')).toBeFocused()
  await page.keyboard.type(alice.address)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Your name (optional)')).toBeFocused()
  await page.keyboard.type('Alice')
  await page.keyboard.press('Enter')

  await headingFocused(page, 'Finding your settings')
  await expect(page.getByRole('status').filter({ hasText: /Settings found/ })).toBeVisible()
  await tabTo(page, /^\s*Continue/)
  await page.keyboard.press('Enter')

  await headingFocused(page, 'How should your mail be kept?')
  await tabTo(page, /IMAP/)
  await page.keyboard.press('ArrowDown') // radio group: to POP
  await expect(page.getByRole('radio', { name: /^POP/ })).toBeChecked()
  await page.keyboard.press('ArrowUp')
  await expect(page.getByRole('radio', { name: /^IMAP/ })).toBeChecked()
  await tabTo(page, /^\s*Continue/)
  await page.keyboard.press('Enter')

  await headingFocused(page, 'Sign in')
  await tabTo(page, /Password/)
  await page.keyboard.type(alice.password)
  await page.keyboard.press('Enter')

  await headingFocused(page, 'Checking your settings')
  await expect(page.getByText('All checks passed.')).toBeVisible()
  await tabTo(page, /Show details/)
  await page.keyboard.press('Enter')
  await expect(page.locator('pre.transcript').first()).toBeVisible()
  // The sign-in step had main connect while the password was typed: the check signed in on that connection.
  await expect(page.locator('pre.transcript').first()).toContainText('connection opened ahead of the check')
  await tabTo(page, /^\s*Continue/)
  await page.keyboard.press('Enter')

  await headingFocused(page, 'Your account is ready')
  await expect(page.getByText(/saved in your system's keychain/)).toBeVisible()
  // All formats are one radio group: Tab reaches its first choice, the arrows the others.
  await tabTo(page, /Thunderbird profile settings/)
  await page.keyboard.press('Space')
  await expect(page.locator('pre.preview')).toContainText('user_pref(')
  const download = page.waitForEvent('download')
  await tabTo(page, /^\s*Download/)
  await page.keyboard.press('Enter')
  expect((await download).suggestedFilename()).toBe('user.js')

  // Back with the keyboard keeps the result.
  await tabTo(page, /^\s*Back\s*$/)
  await page.keyboard.press('Enter')
  await headingFocused(page, 'Checking your settings')
  await expect(page.getByText('All checks passed.')).toBeVisible()
})
