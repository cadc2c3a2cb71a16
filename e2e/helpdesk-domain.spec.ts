// The helpdesk's domain check in the wizard, against a domain of its own: an autoconfig file
// served over plain HTTP only (naming the bench's real Dovecot) and SRV records naming a host
// where nothing listens. The view shows each source, the disagreement and the dead server;
// the admin confirms the working servers, saves the generated files, the test publishes
// exactly those files (HTTPS autoconfig and Autodiscover, SRV in the bench DNS), and the
// re-check in the wizard then says each channel names exactly the confirmed servers.
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { allocLoopback } from '../test/world/addresses'
import type { Bench } from '../test/world/index'
import { startWeb, xmlReply } from '../test/world/web'

const DOMAIN = 'helpdesk-domain.test'

function autoconfig(bench: Bench): string {
  return `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="${DOMAIN}"><domain>${DOMAIN}</domain>
<incomingServer type="imap"><hostname>${bench.mailHost}</hostname><port>${bench.ports.imaps}</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>${bench.mailHost}</hostname><port>${bench.ports.submission}</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
}

async function saved(page: Page, file: string): Promise<string> {
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: `Save ${file}` }).click()
  const d = await download
  expect(d.suggestedFilename()).toBe(file)
  return readFile(await d.path(), 'utf8')
}

test('domain check: every source on its own, the disagreement, what to publish, and a re-check that sees it live', async ({
  wizard: page,
  world
}) => {
  const { bench } = world
  // Stops with the worker's world; the names stay pointed at it until then.
  const web = await startWeb(world, [DOMAIN])
  web.host(`autoconfig.${DOMAIN}`, `autodiscover.${DOMAIN}`)
  const dead = allocLoopback()
  try {
    web.serve('http', `autoconfig.${DOMAIN}`, '/mail/config-v1.1.xml', xmlReply(autoconfig(bench)))
    bench.dns.set(`imap.${DOMAIN}`, 'A', [dead])
    bench.dns.set(`_imaps._tcp.${DOMAIN}`, 'SRV', [{ target: `imap.${DOMAIN}`, port: bench.ports.imaps }])

    await page.getByRole('button', { name: 'Helpdesk: troubleshoot an account' }).click()
    await page
      .getByRole('navigation', { name: 'Helpdesk tools' })
      .getByRole('button', { name: 'Check a domain' })
      .click()
    await expect(page.getByRole('heading', { level: 1, name: 'Check a domain' })).toBeFocused()
    // Keyboard only: type the domain and press Enter.
    await page.getByLabel('Domain', { exact: true }).fill(`alice@${DOMAIN}`)
    await page.keyboard.press('Enter')
    await expect(page.getByText('Enter a domain such as example.org, without a name and @.')).toBeVisible()
    await page.getByLabel('Domain', { exact: true }).fill(DOMAIN)
    await page.keyboard.press('Enter')
    await expect(page.getByRole('status').filter({ hasText: `Checked ${DOMAIN} in` })).toBeVisible()

    // Each source on its own line, with the servers it names.
    const sources = page.locator('table.domain-sources').last()
    await expect(sources.locator('tr[data-source="autoconfig-http"]')).toContainText(
      `IMAP ${bench.mailHost}:${bench.ports.imaps} SSL/TLS`
    )
    await expect(sources.locator('tr[data-source="autoconfig-https"]')).toContainText('nothing there')
    await expect(sources.locator('tr[data-source="srv"]')).toContainText(
      `IMAP imap.${DOMAIN}:${bench.ports.imaps} SSL/TLS`
    )
    await expect(
      page.locator('table.domain-files tr').filter({ hasText: `http://autoconfig.${DOMAIN}/mail/config-v1.1.xml` })
    ).toContainText('not secure')
    // Where they disagree, in words, and the other findings.
    await expect(page.locator('[data-finding="sources-disagree"]')).toContainText(
      'Different places name different servers'
    )
    await expect(page.locator('[data-finding="sources-disagree"]')).toContainText(
      `srv imap.${DOMAIN}:${bench.ports.imaps}`
    )
    await expect(page.locator('[data-finding="autoconfig-http-only"]')).toContainText(
      'The autoconfig file is published over plain HTTP only'
    )
    await expect(page.locator('[data-finding="host-not-answering"]')).toContainText(
      `imap.${DOMAIN}:${bench.ports.imaps}`
    )
    // Every named server, probed: the real Dovecot answers with the bench certificate; the SRV target does not.
    const hosts = page.locator('table.domain-hosts')
    const row = (server: string) => page.locator(`tr[data-host="${server}"]`)
    const imaps = hosts.locator(row(`${bench.mailHost}:${bench.ports.imaps}`))
    await expect(imaps).toContainText('Answers')
    // Its certificate heads the group of servers that show it.
    const cert = hosts.locator('tbody', { has: row(`${bench.mailHost}:${bench.ports.imaps}`) }).locator('tr.cert-line')
    await expect(cert).toContainText(bench.mailHost)
    await expect(cert).toContainText(/in \d+ days/)
    await expect(cert).toContainText('a trusted authority')
    await expect(cert).toContainText('Mail Setup Bench CA')
    await expect(cert).toContainText('the certificate carries the name of every server below')
    const silent = hosts.locator(row(`imap.${DOMAIN}:${bench.ports.imaps}`))
    await expect(silent).toContainText('Does not answer')
    await expect(
      hosts.locator('tbody', { has: row(`imap.${DOMAIN}:${bench.ports.imaps}`) }).locator('tr.cert-line')
    ).toHaveText('No certificate seen (no answer, or no encryption)')

    // The working servers are ticked; the dead one is not.
    const confirm = (label: string) => page.getByRole('checkbox', { name: `Publish ${label}` })
    await expect(confirm(`IMAP ${bench.mailHost}:${bench.ports.imaps} SSL/TLS`)).toBeChecked()
    await expect(confirm(`SMTP ${bench.mailHost}:${bench.ports.submission} STARTTLS`)).toBeChecked()
    await expect(confirm(`IMAP imap.${DOMAIN}:${bench.ports.imaps} SSL/TLS`)).not.toBeChecked()
    await page.getByRole('button', { name: 'Make the files for 2 servers' }).click()
    await expect(page.locator('[data-recheck="autoconfig-https"]')).toContainText('not published yet')
    await expect(page.locator('[data-recheck="srv"]')).toContainText('names other servers')

    const config = await saved(page, 'config-v1.1.xml')
    const zone = await saved(page, 'srv.zone')
    const pox = await saved(page, 'autodiscover.xml')
    expect(config).toContain(`<hostname>${bench.mailHost}</hostname>`)
    expect(zone).toContain(`_imaps._tcp.${DOMAIN}. 3600 IN SRV 0 1 ${bench.ports.imaps} ${bench.mailHost}.`)
    expect(pox).toContain(`<Server>${bench.mailHost}</Server>`)

    // Publish exactly what was saved, then re-check in the wizard.
    web.serve('https', `autoconfig.${DOMAIN}`, '/mail/config-v1.1.xml', xmlReply(config))
    web.serve('https', `autodiscover.${DOMAIN}`, '/autodiscover/autodiscover.xml', xmlReply(pox))
    for (const line of zone.split('\n').filter((l) => l.includes(' SRV '))) {
      const [name, , , , , , port, target] = line.split(/\s+/)
      const records = target === '.' ? [] : [{ target: target!.replace(/\.$/, ''), port: Number(port) }]
      bench.dns.set(name!.replace(/\.$/, ''), 'SRV', records)
    }
    await page.getByRole('button', { name: 'Check again whether it is live' }).click()
    await expect(page.locator('[data-recheck="autoconfig-https"]')).toContainText(
      'Autoconfig file over HTTPS: names exactly these servers'
    )
    await expect(page.locator('[data-recheck="srv"]')).toContainText('SRV records: names exactly these servers')
    await expect(page.locator('[data-recheck="autodiscover"]')).toContainText(
      'Autodiscover: names exactly these servers'
    )
  } finally {
    for (const name of [
      `imap.${DOMAIN}`,
      `_imaps._tcp.${DOMAIN}`,
      `_imap._tcp.${DOMAIN}`,
      `_submission._tcp.${DOMAIN}`,
      `_submissions._tcp.${DOMAIN}`
    ])
      bench.dns.remove(name)
    for (const name of [`autoconfig.${DOMAIN}`, `autodiscover.${DOMAIN}`]) bench.dns.remove(name)
  }
})
