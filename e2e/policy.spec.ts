// The organisation's policy as the wizard shows it, in browser mode under a real policy file:
// the "Managed by" notice and where the rules come from; a locked domain's servers read-only on
// the manual and sign-in steps; POP not offered under IMAP only; whom to ask on the error card
// of a real refusal (a wrong password against the bench's Dovecot); hidden formats absent and
// the default format chosen; and a broken file shown as a warning that names its problems,
// with none of its rules applied. Main enforces every rule itself (test/policy/).
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { test as base, expect, type Page } from '@playwright/test'
import { acceptFound, chooseAndSignIn, enterAddress, toChecked } from './steps'
import { BROKEN, CONTOSO, SUPPORT, startPolicyWorld, type PolicyWorld } from './policy-world'

const test = base.extend<{ open: (world: PolicyWorld) => Promise<Page> }, { contoso: PolicyWorld }>({
  contoso: [
    async ({}, use) => {
      const world = await startPolicyWorld(CONTOSO)
      await use(world)
      await world.stop()
    },
    { scope: 'worker', timeout: 60_000 }
  ],
  open: async ({ page }, use) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await use(async (world) => {
      await page.goto(world.url)
      await expect(page.getByLabel('Email address')).toBeVisible()
      return page
    })
    expect(errors, 'no script errors in the page').toEqual([])
  }
})

const catalog = JSON.parse(readFileSync('src/shared/locales/en.json', 'utf8')).diagnosis
const notice = (page: Page) => page.getByRole('complementary', { name: /Managed by|could not be used/ })

test('the notice names the organisation, the file its rules come from and what they set', async ({ open, contoso }) => {
  const page = await open(contoso)
  const aside = notice(page)
  await expect(aside).toHaveAccessibleName('Managed by Contoso')
  await expect(aside).toContainText('Its rules come from a file named when Mail Setup was started:')
  await expect(aside).toContainText(contoso.policyFile)
  await aside.getByText('What Contoso has set').click()
  await expect(aside).toContainText(
    'Fixed servers for contoso.example: mail.contoso.example:993, smtp.contoso.example:465'
  )
  await expect(aside).toContainText('Incoming mail: IMAP only')
  await expect(aside).toContainText('Encryption: SSL/TLS, STARTTLS only')
  await expect(aside).toContainText("Passwords are not kept in this computer's keychain")
  await expect(aside).toContainText(
    'Files not offered: Outlook (classic) profile, Thunderbird for Android settings file'
  )
  await expect(aside.getByRole('link', { name: SUPPORT.email })).toHaveAttribute('href', `mailto:${SUPPORT.email}`)
  // The same file's OAuth client id is main's alone.
  expect(await page.content()).not.toContain('contoso-mail-setup')
})

/** How the path's parts lie: lines the whole path takes, parts split over lines, parts out of left-to-right order. */
function pathLayout(page: Page): Promise<{ lines: number; split: string[]; reversed: string[] }> {
  return page.locator('aside.policy-notice .policy-source .file-path').evaluate((el) => {
    const top = (r: DOMRect): number => Math.round(r.top)
    const parts = [...el.querySelectorAll('.path-part')].map((p) => ({
      text: p.textContent ?? '',
      rects: [...p.getClientRects()]
    }))
    const split = parts.filter((p) => new Set(p.rects.map(top)).size > 1).map((p) => p.text)
    const reversed = parts.slice(1).flatMap((p, i) => {
      const before = parts[i]!.rects.at(-1)!
      const here = p.rects[0]!
      return top(before) === top(here) && here.left < before.left ? [`${parts[i]!.text} | ${p.text}`] : []
    })
    return { lines: new Set(parts.flatMap((p) => p.rects.map(top))).size, split, reversed }
  })
}

for (const lang of ['en', 'ar'] as const) {
  test(`the policy file's path breaks only after a separator and reads left to right: ${lang}`, async ({
    open,
    contoso
  }, info) => {
    const page = await open(contoso)
    if (lang !== 'en') await page.locator('.language select').selectOption(lang)
    await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr')
    // (The notice by its class: its accessible name is in the page's language.)
    const aside = page.locator('aside.policy-notice')
    await expect(aside.locator('.policy-source .file-path')).toHaveText(contoso.policyFile)
    // Several widths narrow enough that the path cannot stay on one line: where a line ends
    // depends on the path's (random) folder names, so one width could pass by luck.
    const found: string[] = []
    for (const width of [320, 350, 380, 410, 440]) {
      await page.setViewportSize({ width, height: 740 })
      const layout = await pathLayout(page)
      if (width === 320 && layout.lines < 2) found.push(`${width} px: on one line`)
      found.push(...layout.split.map((p) => `${width} px: split ${p}`))
      found.push(...layout.reversed.map((p) => `${width} px: out of order ${p}`))
      if (width === 320) {
        await aside.screenshot({ path: info.outputPath(`policy-path-${lang}.png`) })
        await info.attach(`policy-path-${lang}`, {
          path: info.outputPath(`policy-path-${lang}.png`),
          contentType: 'image/png'
        })
      }
    }
    expect(found).toEqual([])
  })
}

test('a locked domain: the servers are shown and cannot be edited, nor the username', async ({ open, contoso }) => {
  const page = await open(contoso)
  await enterAddress(page, 'dana@contoso.example')
  await expect(page.getByRole('status').filter({ hasText: 'Settings found' })).toBeVisible()
  await page.getByRole('button', { name: 'Enter settings manually' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Enter settings manually' })).toBeFocused()
  await expect(page.locator('#locked-servers')).toHaveText(
    'Contoso fixed the servers for contoso.example: they cannot be changed here.'
  )
  const incoming = page.getByRole('group', { name: 'Incoming mail server' })
  const outgoing = page.getByRole('group', { name: 'Outgoing mail server (SMTP)' })
  const expected: Array<[typeof incoming, string, string]> = [
    [incoming, 'Server name', 'mail.contoso.example'],
    [incoming, 'Port', '993'],
    [incoming, 'Username', 'dana'],
    [outgoing, 'Server name', 'smtp.contoso.example'],
    [outgoing, 'Port', '465'],
    [outgoing, 'Username', 'dana@contoso.example']
  ]
  for (const [group, label, value] of expected) {
    const field = group.getByLabel(label, { exact: true })
    await expect(field).toHaveValue(value)
    await expect(field).not.toBeEditable()
    await expect(field).toHaveAccessibleDescription(/Contoso fixed the servers for contoso\.example/)
    // Typing into it changes nothing.
    await field.focus()
    await page.keyboard.type('x9')
    await page.keyboard.press('Backspace')
    await expect(field).toHaveValue(value)
  }
  for (const group of [incoming, outgoing]) await expect(group.getByLabel('Encryption')).toBeDisabled()
  await expect(incoming.getByLabel('Type')).toBeDisabled()
  // Sign-in: the username is the one the organisation fixed.
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused()
  const username = page.getByLabel('Username')
  await expect(username).toHaveValue('dana')
  await expect(username).not.toBeEditable()
  await expect(username).toHaveAccessibleDescription('Contoso fixed the username for addresses at contoso.example.')
  // The helpdesk's "settings the user has" are the locked ones too.
  await page.getByRole('button', { name: 'Helpdesk: troubleshoot an account' }).click()
  await page.getByLabel('Email address').fill('erin@contoso.example')
  await page.getByLabel('Check the settings the user has instead of searching').check()
  const given = page.getByRole('group', { name: 'Incoming mail server' }).getByLabel('Server name')
  await expect(given).toHaveValue('mail.contoso.example')
  await expect(given).not.toBeEditable()
  await expect(page.getByRole('group', { name: 'Incoming mail server' }).getByLabel('Username')).toHaveValue('erin')
})

test('IMAP only, encryption required: POP and unencrypted servers are not offered, and the page says who decided', async ({
  open,
  contoso
}) => {
  const page = await open(contoso)
  await enterAddress(page, contoso.bench.users.alice.address)
  await acceptFound(page)
  await expect(page.getByRole('radio', { name: /^IMAP/ })).toBeChecked()
  await expect(page.getByRole('radio', { name: /^POP/ })).toHaveCount(0)
  await expect(page.getByText('Contoso allows only IMAP for incoming mail on this computer.')).toBeVisible()
  // The manual form offers the same choices (the domain is not locked: its fields stay editable).
  await page.getByRole('button', { name: 'Enter settings manually' }).click()
  const incoming = page.getByRole('group', { name: 'Incoming mail server' })
  await expect(incoming.getByLabel('Server name')).toBeEditable()
  await expect(incoming.getByLabel('Type').locator('option')).toHaveText(['IMAP'])
  for (const group of ['Incoming mail server', 'Outgoing mail server (SMTP)'])
    await expect(page.getByRole('group', { name: group }).getByLabel('Encryption').locator('option')).toHaveText([
      'SSL/TLS',
      'STARTTLS'
    ])
})

test('a wrong password against Dovecot: the error card says whom to ask at the organisation', async ({
  open,
  contoso
}) => {
  const page = await open(contoso)
  const { alice } = contoso.bench.users
  const refused = async (): Promise<number> =>
    (await readFile(contoso.bench.dovecot.log, 'utf8')).split('\n').filter((l) => /imap-login.*auth failed/.test(l))
      .length
  const before = await refused()
  await enterAddress(page, alice.address)
  await acceptFound(page)
  await chooseAndSignIn(page, 'IMAP', 'not-the-password')
  const card = page.locator('section.diagnosis')
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(catalog['auth-failed'].title)
  await expect.poll(refused).toBeGreaterThan(before)
  await expect(card.getByRole('heading', { level: 3, name: 'Who can help at Contoso' })).toBeVisible()
  await expect(card).toContainText(`Contact: ${SUPPORT.name}`)
  await expect(card.getByRole('link', { name: SUPPORT.email })).toHaveAttribute('href', `mailto:${SUPPORT.email}`)
  await expect(card.getByRole('link', { name: SUPPORT.phone })).toHaveAttribute('href', 'tel:+15550100')
  await expect(card.getByRole('link', { name: SUPPORT.url })).toHaveAttribute('href', SUPPORT.url)
})

test('hidden formats are not offered, the default file is chosen and the password is not kept', async ({
  open,
  contoso
}) => {
  const page = await open(contoso)
  const { alice } = contoso.bench.users
  await toChecked(page, alice.address, alice.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  const files = page.locator('#other-programs')
  await expect(files).toBeVisible()
  await expect(files.getByRole('radio', { name: /^Thunderbird settings file \(config-v1\.1\.xml\)/ })).toBeChecked()
  await expect(
    page.getByRole('heading', { name: 'File for Thunderbird settings file (config-v1.1.xml)' })
  ).toBeVisible()
  await expect(page.locator('pre.preview')).toContainText(contoso.bench.mailHost)
  await expect(files.getByRole('radio', { name: /^mbsync/ })).toBeVisible()
  for (const hidden of [/^Outlook \(classic\) profile/, /^Thunderbird for Android settings file/, /^mutt \/ neomutt/])
    await expect(page.getByRole('radio', { name: hidden })).toHaveCount(0)
  // defaults.storePassword: false — the password was not kept, and the page says who chose that.
  await expect(
    page.getByText(
      "Contoso chose not to keep passwords in this computer's keychain: your mail program will ask for it."
    )
  ).toBeVisible()
})

test('a broken policy file: a warning names its problems and none of its rules apply', async ({ open }) => {
  const world = await startPolicyWorld(BROKEN)
  try {
    const page = await open(world)
    const aside = notice(page)
    await expect(aside).toHaveAccessibleName('The mail set-up policy on this computer could not be used')
    await expect(aside).toContainText(world.policyFile)
    await expect(aside).toContainText('None of its rules were applied')
    const problems = aside.locator('.policy-problems li')
    await expect(problems.filter({ hasText: /lockedServer\b/ })).toHaveCount(1)
    await expect(problems.filter({ hasText: /^exports\.hidden/ })).toHaveCount(1)
    await expect(problems).toHaveCount(2)
    await expect(page.getByText('Managed by Contoso')).toHaveCount(0)
    // Nothing applied: POP is offered again.
    await enterAddress(page, world.bench.users.alice.address)
    await acceptFound(page)
    await expect(page.getByRole('radio', { name: /^POP/ })).toBeEnabled()
  } finally {
    await world.stop()
  }
})
