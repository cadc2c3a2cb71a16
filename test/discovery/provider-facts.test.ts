// One provider table (resources/providers.json): which provider a candidate belongs to, the
// wizard's sign-in advice and the pages the system browser may open all come from it, so a
// change to the table alone changes what discovery, the CLI, the wizard and the allow-list say.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/main/config'
import { loadProviderTable } from '../../src/main/discovery/builtin'
import { providerFacts } from '../../src/main/discovery/provider-facts'
import { externalOrigins } from '../../src/main/external-origins'
import { isAllowedExternalUrl } from '../../src/shared/external'
import { appPasswordPage, needsBrowserSignIn, providerKind } from '../../src/renderer/src/steps/signin/hints'
import { cliInProcess } from '../cli/process'
import type { DiscoveryResult, ServerSettings } from '../../src/shared/domain'
import { discoverOffline } from './offline'

const root = join(__dirname, '..', '..')
const resources = join(root, 'resources')
const shippedText = readFileSync(join(resources, 'providers.json'), 'utf8')
type Entry = {
  id: string
  domains: string[]
  signIn: { advice?: string; appPasswordUrl?: string; passwords?: boolean }
}
const shipped = JSON.parse(shippedText) as { providers: Entry[] }
const gmail = shipped.providers.find((p) => p.id === 'gmail')!
const noOAuth = { allowedOrigins: async (): Promise<string[]> => [] }

const server = (host: string, protocol: ServerSettings['protocol'] = 'imap'): ServerSettings => ({
  protocol,
  host,
  port: 993,
  security: 'tls',
  username: 'a',
  auth: ['password-cleartext']
})
const named = (hosts: string[], providerId?: string) => ({
  providerId,
  incoming: hosts.map((h) => server(h)),
  outgoing: []
})

/** A resources folder whose providers.json is the shipped one changed by `edit`; the rest linked. */
function resourcesWith(edit: (table: { providers: Entry[] }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'providers-'))
  const table = JSON.parse(shippedText) as { providers: Entry[] }
  edit(table)
  writeFileSync(join(dir, 'providers.json'), JSON.stringify(table))
  for (const name of ['isp', 'ispdb', 'oauth-providers.json']) symlinkSync(join(resources, name), join(dir, name))
  return dir
}

describe('the provider table', () => {
  const table = loadProviderTable(resources)

  it('names the provider of settings from any source: by id, then by the servers’ domains', () => {
    expect(providerFacts(table, named(['imap.gmail.com'], 'googlemail.com'))).toMatchObject({
      id: 'gmail',
      advice: 'gmail',
      appPasswordUrl: gmail.signIn.appPasswordUrl,
      oauth: true
    })
    // A custom domain hosted by Microsoft 365: its servers are under office365.com, not outlook.com.
    expect(providerFacts(table, named(['outlook.office365.com'], 'contoso.example'))).toMatchObject({
      id: 'microsoft365',
      passwords: false
    })
    expect(providerFacts(table, named(['imap.mail.me.com']))).toMatchObject({ id: 'icloud', advice: 'icloud' })
    expect(providerFacts(table, named(['imap.notgmail.com']))).toBeUndefined()
    expect(providerFacts(table, named(['mail.example.test'], 'example.test'))).toBeUndefined()
  })

  it('takes OAuth2 settings from the sign-in table for the providers it serves, and keeps no second copy', () => {
    type SignIn = {
      id: string
      aliases: string[]
      issuers: string[]
      scope: string
      authorizationEndpoint: string
      tokenEndpoint: string
    }
    const signIns = (
      JSON.parse(readFileSync(join(resources, 'oauth-providers.json'), 'utf8')) as { providers: SignIn[] }
    ).providers
    const google = signIns.find((s) => s.id === 'google')!
    expect(table.providers.find((p) => p.id === 'gmail')?.oauth2).toEqual({
      issuer: google.issuers[0],
      scope: google.scope,
      authURL: google.authorizationEndpoint,
      tokenURL: google.tokenEndpoint
    })
    const served = (id: string): boolean => signIns.some((s) => s.id === id || s.aliases.includes(id))
    expect(shipped.providers.filter((p) => 'oauth2' in p && served(p.id)).map((p) => p.id)).toEqual([])
    expect(table.providers.filter((p) => served(p.id) && !p.oauth2).map((p) => p.id)).toEqual([])
  })

  it('has words for every advice it names in every locale file', () => {
    for (const lang of ['en', 'ar']) {
      const ui = (
        JSON.parse(readFileSync(join(root, 'src/shared/locales', `${lang}.json`), 'utf8')) as {
          ui: { signin: { hint: Record<string, string>; appPassword: { provider: Record<string, string> } } }
        }
      ).ui
      for (const p of shipped.providers) {
        if (!p.signIn.advice) continue
        expect(ui.signin.hint[p.signIn.advice], `${lang} signin.hint.${p.signIn.advice}`).toBeTruthy()
        if (p.signIn.appPasswordUrl)
          expect(ui.signin.appPassword.provider[p.signIn.advice], `${lang} ${p.signIn.advice}`).toBeTruthy()
      }
    }
  })

  it('a change to the table alone reaches discovery, the wizard’s advice and the browser allow-list', async () => {
    const page = 'https://passwords.example.test/app'
    const dir = resourcesWith((t) => {
      const g = t.providers.find((p) => p.id === 'gmail')!
      g.signIn.appPasswordUrl = page
      g.domains.push('mail-example.test')
    })
    const config = loadConfig({ HOME: dir, MAIL_SETUP_USER_DATA: dir }, {}, dir)
    const found = await discoverOffline('a@mail-example.test', config)
    const candidate = found.candidates.find((c) => c.source === 'builtin')
    expect(candidate?.provider).toMatchObject({ id: 'gmail', appPasswordUrl: page })
    expect(appPasswordPage(providerKind(candidate))).toBe(page)
    expect(needsBrowserSignIn(providerKind(candidate))).toBe(false)
    expect(isAllowedExternalUrl(page, await externalOrigins(config, noOAuth))).toBe(true)
    // With the shipped table the page is neither shown nor allowed.
    const shippedConfig = loadConfig({ HOME: dir, MAIL_SETUP_USER_DATA: dir }, {}, resources)
    expect(
      (await discoverOffline('a@mail-example.test', shippedConfig)).candidates.some((c) => c.provider?.id === 'gmail')
    ).toBe(false)
    expect(isAllowedExternalUrl(page, await externalOrigins(shippedConfig, noOAuth))).toBe(false)
  })

  it('the CLI prints what the table says', async () => {
    const env = { ...process.env, MAIL_SETUP_USER_DATA: mkdtempSync(join(tmpdir(), 'cli-')) }
    const json = await cliInProcess(['discover', 'a@gmail.com', '--offline', '--json'], { env })
    expect(json.code).toBe(0)
    const result = (JSON.parse(json.stdout) as { result: DiscoveryResult }).result
    expect(result.candidates.find((c) => c.source === 'builtin')?.provider).toMatchObject({
      id: 'gmail',
      appPasswordUrl: gmail.signIn.appPasswordUrl
    })
    const human = await cliInProcess(['discover', 'a@gmail.com', '--offline'], { env })
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`App password: ${gmail.signIn.appPasswordUrl}`)
  })
})
