// Trust what the operating system trusts, in browser mode: the bench's CA is not the app's own
// extra CA here, only in the OS bundle (MAIL_SETUP_SYSTEM_CA: a copy of the distribution's
// bundle plus the bench CA) or only in NODE_EXTRA_CA_CERTS. The wizard verifies the real
// Dovecot, and the certificate panel says which store vouched for it.
import { readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { startWorld, type World } from './world'
import { toChecked } from './steps'
import { LINUX_BUNDLES } from '../src/main/net/trust'

type From = 'system' | 'node-extra'

/** A world whose only trust for the bench CA is `from`: every other source emptied. */
function worldTrusting(from: From): Promise<World> {
  const none = { MAIL_SETUP_EXTRA_CA: '', NODE_EXTRA_CA_CERTS: '', MAIL_SETUP_SYSTEM_CA: '' }
  return startWorld(
    process.env.MAIL_SETUP_E2E_RENDERER!,
    none,
    async (_world, bench): Promise<Record<string, string>> => {
      if (from === 'node-extra') return { NODE_EXTRA_CA_CERTS: bench.ca.file }
      const distro = LINUX_BUNDLES.find((f) => existsSync(f))
      const bundle = join(bench.dir, 'os-ca-bundle.crt')
      await writeFile(bundle, `${distro ? await readFile(distro, 'utf8') : ''}\n${bench.ca.certPem}\n`)
      return { MAIL_SETUP_SYSTEM_CA: bundle }
    }
  )
}

const WORDS: Record<From, RegExp> = {
  system: /this computer's trusted certificates \(the operating system's store\)/,
  'node-extra': /the certificates in NODE_EXTRA_CA_CERTS/
}

for (const from of ['system', 'node-extra'] as const) {
  test(`a CA only in ${from}: the server verifies and the certificate panel names that store`, async ({ page }) => {
    const world = await worldTrusting(from)
    try {
      await page.goto(world.url)
      const { alice } = world.bench.users
      await toChecked(page, alice.address, alice.password)
      await page.getByRole('button', { name: 'Show details' }).click()
      const vouched = page.locator('#details dd[data-trust-store]')
      await expect(vouched.first()).toBeVisible()
      await expect(vouched).toHaveText(Array(await vouched.count()).fill(WORDS[from]))
    } finally {
      await world.stop()
    }
  })
}
