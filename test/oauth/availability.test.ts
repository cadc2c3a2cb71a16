// The one decision "a client ID exists": what the wizard is told before it offers "Sign in with …",
// and what resolveClient then uses, for shipped providers, the policy file and unknown issuers.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProviderTable, oauthAvailability, resolveClient } from '../../src/main/oauth'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'
import { codeOf } from '../expect/diagnosis'
import type { Candidate } from '../../src/shared/domain'
import { oauthAutoconfig } from './autoconfig'

const resourcesDir = join(process.cwd(), 'resources')
const ISSUER = 'https://sso.example.org'

function policyFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oauth-availability-')), 'policy.json')
  writeFileSync(file, JSON.stringify(content))
  return file
}

describe('oauthAvailability', () => {
  it('this build ships no client ID: Microsoft and Google are not available, by id, alias or issuer', async () => {
    const table = await loadProviderTable({ resourcesDir })
    for (const providerId of ['microsoft', 'microsoft365', 'outlook.com', 'google', 'gmail']) {
      const a = oauthAvailability(table, { providerId })
      expect(a.available, providerId).toBe(false)
      expect(a.clientId).toBeUndefined()
    }
    expect(oauthAvailability(table, { oauth2: { issuer: 'accounts.google.com', scope: 'x' } })).toMatchObject({
      available: false,
      providerName: 'Google',
      providerId: 'google'
    })
    expect(oauthAvailability(table, { oauth2: { issuer: ISSUER, scope: 'mail' } })).toMatchObject({
      available: false,
      providerName: 'sso.example.org'
    })
    expect(oauthAvailability(table, {})).toMatchObject({ available: false })
  })

  it('a policy file supplies client IDs for a provider or an issuer, and resolveClient uses the same one', async () => {
    const policy = policyFile({
      oauth: {
        providers: { microsoft: { clientId: 'ms-client' } },
        issuers: { 'sso.example.org': { clientId: 'org-client' } }
      }
    })
    const table = await loadProviderTable({ resourcesDir, policyFile: policy })
    expect(oauthAvailability(table, { providerId: 'microsoft365' })).toMatchObject({
      available: true,
      via: 'policy',
      providerName: 'Microsoft',
      clientId: 'ms-client'
    })
    expect(resolveClient(table, { providerId: 'microsoft365' }).clientId).toBe('ms-client')
    const oauth2 = { issuer: ISSUER, scope: 'mail' }
    expect(oauthAvailability(table, { oauth2 })).toMatchObject({
      available: true,
      via: 'policy',
      providerName: 'sso.example.org',
      clientId: 'org-client'
    })
    expect(resolveClient(table, { oauth2 }).clientId).toBe('org-client')
    // Google stays unavailable, and signing in says so with the code the wizard maps.
    expect(oauthAvailability(table, { providerId: 'gmail' }).available).toBe(false)
    expect(await codeOf(() => resolveClient(table, { providerId: 'gmail' }))).toBe('oauth-client-missing')
  })

  it('the API answers without the client ID itself', async () => {
    const policy = policyFile({ oauth: { issuers: { [ISSUER]: { clientId: 'org-client' } } } })
    // Discovery finds the issuer offline in an ISP autoconfig file; gmail.com in the shipped table.
    const isp = mkdtempSync(join(tmpdir(), 'oauth-availability-isp-'))
    const servers: Array<['imap' | 'smtp', number]> = [
      ['imap', 993],
      ['smtp', 465]
    ]
    writeFileSync(
      join(isp, 'example.org.xml'),
      oauthAutoconfig({
        domain: 'example.org',
        displayName: 'Example',
        mailHost: 'mail.example.org',
        issuer: ISSUER,
        scope: 'mail',
        servers
      })
    )
    const services = createServices(loadConfig({ ...process.env, MAIL_SETUP_POLICY: policy, MAIL_SETUP_ISP_DIRS: isp }))
    const handlers = createHandlers(services, { door: 'cli', emit: () => undefined, version: 'test' })
    const named = async (address: string) => {
      const found = await dispatch(handlers, 'discover', { runId: `find-${address}`, address, offline: true })
      if (!found.ok) throw new Error(found.error.code)
      const { sessionId, candidates } = found.value as { sessionId: string; candidates: Candidate[] }
      return { sessionId, candidateId: candidates.find((c) => c.oauth2 || c.provider?.oauth)!.id }
    }
    const yes = await dispatch(handlers, 'oauthAvailability', await named('sam@example.org'))
    expect(yes).toEqual({ ok: true, value: { available: true, via: 'policy', providerName: 'sso.example.org' } })
    const no = await dispatch(handlers, 'oauthAvailability', await named('sam@gmail.com'))
    expect(no).toEqual({ ok: true, value: { available: false, providerName: 'Google', providerId: 'google' } })
    // What discovery found is named, never sent back: settings in the request are refused.
    const sent = await dispatch(handlers, 'oauthAvailability', {
      ...(await named('sam@example.org')),
      oauth2: { issuer: ISSUER, scope: 'mail' }
    })
    expect(sent).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})
