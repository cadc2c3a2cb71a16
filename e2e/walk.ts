// A walk through every step that does not depend on the language: ids, roles and classes.
// At each step `visit` runs (axe, screenshots). Used by the accessibility and look specs.
import { expect, type Page } from '@playwright/test'
import type { World } from './world'

export type Visit = (step: string) => Promise<void>

const heading = (page: Page) => page.locator('h1.step-title')
const primary = (page: Page) => page.locator('main .actions button.primary').last()

async function next(page: Page, expectStep: string): Promise<void> {
  const before = await heading(page).textContent()
  await primary(page).click()
  await expect(heading(page)).not.toHaveText(before ?? '')
  await expect(heading(page), `on ${expectStep}`).toBeFocused()
}

export async function walkAllSteps(page: Page, world: World, visit: Visit): Promise<void> {
  const { alice } = world.bench.users

  await page.locator('#address').fill('alice@')
  await page.locator('#address').blur()
  await expect(page.locator('#address-problem')).toBeVisible()
  await visit('1-address-problem')
  await page.locator('#address').fill(alice.address)
  await page.locator('#name').fill('Alice')
  await visit('1-address')

  await next(page, 'finding')
  await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
  await visit('2-finding')

  await next(page, 'protocol')
  await page.locator('input[name="protocol"][value="pop3"]').check()
  await page.locator('#delete-after').check()
  await visit('3-protocol-pop')
  await page.locator('input[name="protocol"][value="imap"]').check()
  await visit('3-protocol')

  await next(page, 'signin')
  await page.locator('#password').fill('wrong-password')
  await visit('4-signin')

  await next(page, 'checking')
  await expect(page.locator('section.diagnosis')).toBeVisible()
  await page.locator('button[aria-controls="details"]').click()
  await expect(page.locator('pre.transcript').first()).toBeVisible()
  await visit('5-checking-failed')

  await page.locator('section.diagnosis button').first().click()
  // Back on sign-in after a refusal, the password (the field most likely wrong) has focus.
  await expect(page.locator('#password')).toBeFocused()
  await page.locator('#password').fill(alice.password)
  await next(page, 'checking')
  await expect(page.locator('section.result.good')).toBeVisible()
  await visit('5-checking-ok')

  await page.locator('.stepper button.manual-link').click()
  await expect(heading(page)).toBeFocused()
  await page.locator('#incoming-port').fill('143')
  await expect(page.locator('#incoming-security-note .suggest')).toBeVisible()
  await page.locator('#outgoing-security').selectOption('plain')
  await visit('6-manual')
  // Either SMTP port may have won the earlier check (465 or 587, whichever answered first
  // within the grace period): name the port so implicit TLS matches it.
  await page.locator('#outgoing-port').fill('465')
  await page.locator('#outgoing-security').selectOption('tls')
  await page.locator('#incoming-port').fill('993')

  await next(page, 'checking')
  await expect(page.locator('section.result.good')).toBeVisible()
  await next(page, 'done')
  await expect(page.locator('fieldset.formats input').first()).toBeVisible()
  await page.locator('input[name="format"][value="card-markdown"]').check()
  await expect(page.locator('pre.preview')).toBeVisible()
  await visit('7-done')
  await page.locator('input[name="format"][value="thunderbird-qr-png"]').check()
  await expect(page.locator('figure.qr img')).toBeVisible()
  await visit('7-done-qr')

  await page.locator('.header-tools .link-button').click()
  await expect(heading(page)).toBeFocused()
  await page.locator('#hd-given').check()
  await visit('8-helpdesk')
  await page.locator('#hd-given').uncheck()
  await next(page, 'helpdesk checking')
  await expect(page.locator('section.probe-details').first()).toBeVisible()
  await visit('8-helpdesk-checking')
}

/**
 * Address → manual settings with an outgoing server that offers no encryption → the offer to
 * allow an unencrypted sign-in → allowed and passing. `visit` runs at both states.
 */
export async function walkPlaintextOffer(page: Page, world: World, host: string, visit: Visit): Promise<void> {
  const { alice } = world.bench.users
  await page.locator('#address').fill(alice.address)
  await next(page, 'finding')
  await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
  await page.locator('.stepper button.manual-link').click()
  await expect(heading(page)).toBeFocused()
  await page.locator('#outgoing-host').fill(host)
  await page.locator('#outgoing-port').fill('587')
  await page.locator('#outgoing-security').selectOption('plain')
  await next(page, 'signin')
  await page.locator('#password').fill(alice.password)
  await next(page, 'checking')
  const offer = page.locator('section.plaintext')
  await expect(offer).toBeVisible()
  await visit('plaintext-offer')
  await offer.getByRole('checkbox').check()
  await offer.getByRole('button').click()
  await expect(page.locator('.plaintext-allowed')).toBeVisible()
  await expect(page.locator('section.result.good')).toBeVisible()
  await visit('plaintext-allowed')
}
