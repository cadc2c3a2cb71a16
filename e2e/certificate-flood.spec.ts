// One certificate, one decision: a provider whose hosts and ports all show one certificate the
// app cannot verify asks once per distinct certificate, listing the servers it covers, not once
// per host and port. The helpdesk view leads with the verdict and the certificate, then the table;
// nothing scrolls sideways at 720 px; the Arabic page has no internal codes or English words.
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, shot } from './fixtures'
import { tlsFront, type NamedFake } from '../test/fakes/hosts'
import { internalCodes, pageHeight, sidewaysScroll, untranslatedWords } from './look'
import type { World } from './world'

const DOMAIN = 'flood.bench.test'
const en = JSON.parse(readFileSync('src/shared/locales/en.json', 'utf8'))

/** Autoconfig naming several hosts per protocol; the username is the bench user's own. */
function floodConfig(user: string): string {
  const server = (kind: 'incoming' | 'outgoing', type: string, host: string, port: number): string => `
    <${kind}Server type="${type}">
      <hostname>${host}.${DOMAIN}</hostname>
      <port>${port}</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>${user}</username>
    </${kind}Server>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${DOMAIN}">
    <domain>${DOMAIN}</domain>
    <displayName>Flood Mail</displayName>${server('incoming', 'imap', 'imap', 993)}${server('incoming', 'imap', 'mail', 993)}${server('incoming', 'pop3', 'pop', 995)}${server('incoming', 'pop3', 'mail', 995)}${server('outgoing', 'smtp', 'smtp', 465)}${server('outgoing', 'smtp', 'mail', 465)}
  </emailProvider>
</clientConfig>
`
}

/** Two certificates: one on imap., pop. and mail. (all ports), another on smtp. */
async function flood(world: World): Promise<{
  a: NamedFake & { fingerprint256: string }
  b: NamedFake & { fingerprint256: string }
  close(): Promise<void>
}> {
  const { bench } = world
  await writeFile(join(bench.ispDir, `${DOMAIN}.xml`), floodConfig(bench.users.alice.address))
  const a = await tlsFront(
    bench,
    [`imap.${DOMAIN}`, `pop.${DOMAIN}`, `mail.${DOMAIN}`],
    'flood-a.example',
    [993, 995, 465]
  )
  const b = await tlsFront(bench, [`smtp.${DOMAIN}`], 'flood-b.example', [465])
  return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) }
}

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze()
  return result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const primary = (page: Page) => page.locator('main .actions button.primary').last()

/** Address → found → IMAP → password → checked, by ids and classes (any language). */
async function userCheck(page: Page, world: World): Promise<void> {
  await page.locator('#address').fill(`alice@${DOMAIN}`)
  await primary(page).click()
  await expect(page.locator('input[name="candidate"]').first()).toBeVisible()
  await primary(page).click()
  await page.locator('input[name="protocol"][value="imap"]').check()
  await primary(page).click()
  await page.locator('#password').fill(world.bench.users.alice.password)
  await primary(page).click()
  await expect(page.locator('section.trust').first()).toBeVisible()
}

async function helpdeskCheck(page: Page, world: World): Promise<void> {
  await page.locator('.header-tools .link-button').click()
  await page.locator('#hd-address').fill(`alice@${DOMAIN}`)
  await page.locator('#hd-password').fill(world.bench.users.alice.password)
  await primary(page).click()
  await expect(page.locator('section.trust').first()).toBeVisible()
  await expect(page.locator('section.diagnosis')).toBeVisible()
}

test('end user: one trust panel per certificate, trusted once for all its servers, then success', async ({
  wizard: page,
  world
}, info) => {
  await page.setViewportSize({ width: 1200, height: 820 })
  const f = await flood(world)
  try {
    await userCheck(page, world)
    const panels = page.locator('section.trust')
    await expect(panels).toHaveCount(2)
    const a = page.locator(`section.trust[data-fingerprint="${f.a.fingerprint256}"]`)
    await expect(a.locator('.places li')).toHaveText([`imap.${DOMAIN}:993`, `mail.${DOMAIN}:993`, `mail.${DOMAIN}:465`])
    await expect(a.locator('code.fingerprint')).toHaveText(f.a.fingerprint256)
    await expect(page.locator(`section.trust[data-fingerprint="${f.b.fingerprint256}"] .places li`)).toHaveText([
      `smtp.${DOMAIN}:465`
    ])
    // The verdict and the decision; the table and "Where we looked" wait behind "Show details".
    await expect(page.locator('table.matrix').first()).toBeHidden()
    await expect(page.getByRole('button', { name: 'Show details' })).toHaveAttribute('aria-expanded', 'false')
    expect(await sidewaysScroll(page)).toEqual([])
    expect(await axe(page)).toEqual([])
    info.annotations.push({ type: 'page height, end user, 1200×820', description: String(await pageHeight(page)) })
    await shot(page, info, 'flood-user')

    for (const fp of [f.a.fingerprint256, f.b.fingerprint256]) {
      const panel = page.locator(`section.trust[data-fingerprint="${fp}"]`)
      await panel.getByRole('checkbox').check()
      await panel.getByRole('button').click()
      if (fp === f.a.fingerprint256)
        await expect(page.locator(`section.trust[data-fingerprint="${fp}"]`)).toHaveCount(0)
    }
    await expect(page.getByText('All checks passed.')).toBeVisible()
    await expect(page.locator('section.trust')).toHaveCount(0)
    await page.getByRole('button', { name: 'Show details' }).click()
    await expect(page.locator(`tr[data-probe="imap.${DOMAIN}:993"]`)).toContainText('Works')
    // Each certificate once under details, now marked as trusted by the user.
    await expect(page.locator('.certificates .cert-group')).toHaveCount(2)
    await shot(page, info, 'flood-user-trusted')
  } finally {
    await f.close()
  }
})

test('helpdesk: verdict, then the certificate, then the table; codes in words, dates in the locale', async ({
  wizard: page,
  world
}, info) => {
  await page.setViewportSize({ width: 1200, height: 820 })
  const f = await flood(world)
  try {
    await helpdeskCheck(page, world)
    await expect(page.locator('section.trust')).toHaveCount(2)
    await expect(page.locator(`section.trust[data-fingerprint="${f.a.fingerprint256}"] .places li`)).toHaveCount(5)
    await expect(page.locator('pre.transcript').first()).toBeVisible()
    const top = async (selector: string): Promise<number> => (await page.locator(selector).first().boundingBox())!.y
    const verdict = await top('section.diagnosis')
    const cert = await top('section.trust')
    const table = await top('table.matrix')
    expect(verdict).toBeLessThan(cert)
    expect(cert).toBeLessThan(table)
    await expect(page.locator('section.diagnosis h2')).toHaveText(en.diagnosis['cert-wrong-host'].title)
    expect(await internalCodes(page)).toEqual([])
    expect(await sidewaysScroll(page)).toEqual([])
    expect(await axe(page)).toEqual([])
    info.annotations.push({ type: 'page height, helpdesk, 1200×820', description: String(await pageHeight(page)) })
    await shot(page, info, 'flood-helpdesk')
  } finally {
    await f.close()
  }
})

for (const lang of ['en', 'ar'] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`720 px wide, ${lang}, ${theme}: no sideways scroll, axe clean, no codes${lang === 'ar' ? ' or English words' : ''}`, async ({
      wizard: page,
      world
    }, info) => {
      await page.setViewportSize({ width: 720, height: 900 })
      await page.emulateMedia({ colorScheme: theme })
      if (lang !== 'en') await page.locator('.language select').selectOption(lang)
      const f = await flood(world)
      const found: string[] = []
      const look = async (step: string): Promise<void> => {
        found.push(...(await sidewaysScroll(page)).map((x) => `${step}: too wide ${x}`))
        found.push(...(await axe(page)).map((x) => `${step}: ${x}`))
        found.push(...(await internalCodes(page)).map((x) => `${step}: code ${x}`))
        if (lang === 'ar') found.push(...(await untranslatedWords(page)).map((x) => `${step}: English "${x}"`))
        await shot(page, info, `720-${lang}-${theme}-${step}`)
      }
      try {
        await userCheck(page, world)
        await look('flood-user')
        await page.locator('button[aria-controls="details"]').click()
        await expect(page.locator('table.matrix').first()).toBeVisible()
        await look('flood-user-details')
        await page.goto(world.url)
        await helpdeskCheck(page, world)
        await look('flood-helpdesk')
        expect(found).toEqual([])
      } finally {
        await f.close()
      }
    })
  }
}
