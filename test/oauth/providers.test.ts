// Providers as data, the admin policy file, PKCE and the authorize URL the app builds.
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/main/config'
import { createDns } from '../../src/main/net/dns'
import { createCredentialStore } from '../../src/main/credentials/store'
import { AppError } from '../../src/main/errors'
import { configuredOrigins, loadProviderTable, OAuthService, pkcePair, resolveClient, s256 } from '../../src/main/oauth'
import { isAllowedExternalUrl } from '../../src/shared/external'
import type { OAuth2Settings } from '../../src/shared/domain'
import { codeOf } from '../expect/diagnosis'
import { loadProviderTable as loadMailProviders } from '../../src/main/discovery/builtin'

const resourcesDir = join(process.cwd(), 'resources')

function policy(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oauth-policy-')), 'policy.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

/** The `oAuth2` element of a real ISPDB file. */
function ispdbOAuth2(file: string): OAuth2Settings {
  const xml = readFileSync(join(resourcesDir, 'ispdb', file), 'utf8')
  const tag = (t: string): string | undefined => new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml)?.[1]?.trim()
  return { issuer: tag('issuer')!, scope: tag('scope')!, authURL: tag('authURL'), tokenURL: tag('tokenURL') }
}

describe('PKCE', () => {
  it('makes a 43-character verifier and its S256 challenge, as openssl computes it', () => {
    const { verifier, challenge } = pkcePair()
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: verifier })
    expect(challenge).toBe(digest.toString('base64url'))
    expect(s256(verifier)).toBe(challenge)
    expect(pkcePair().verifier).not.toBe(verifier)
  })
})

describe('provider table', () => {
  it('ships Microsoft and Google without any client secret', async () => {
    const raw = readFileSync(join(resourcesDir, 'oauth-providers.json'), 'utf8')
    expect(raw).not.toMatch(/secret"\s*:/i)
    const table = await loadProviderTable({ resourcesDir })
    const ms = table.providers.find((p) => p.id === 'microsoft')!
    expect(ms.scope.split(' ')).toEqual(
      expect.arrayContaining([
        'https://outlook.office.com/IMAP.AccessAsUser.All',
        'https://outlook.office.com/POP.AccessAsUser.All',
        'https://outlook.office.com/SMTP.Send',
        'offline_access'
      ])
    )
    const google = table.providers.find((p) => p.id === 'google')!
    expect(google.scope.split(' ')).toContain('https://mail.google.com/')
  })

  it('says an administrator must configure a client id when none is set', async () => {
    // The shipped file as a build without its own registration has it: empty client ids.
    const file = JSON.parse(readFileSync(join(resourcesDir, 'oauth-providers.json'), 'utf8')) as {
      providers: Array<{ clientId: string }>
    }
    for (const p of file.providers) p.clientId = ''
    const dir = mkdtempSync(join(tmpdir(), 'oauth-res-'))
    writeFileSync(join(dir, 'oauth-providers.json'), JSON.stringify(file))
    const table = await loadProviderTable({ resourcesDir: dir })
    try {
      resolveClient(table, { oauth2: ispdbOAuth2('office365.com.xml') })
      expect.unreachable()
    } catch (err) {
      expect((err as AppError).diagnosis.code).toBe('oauth-client-missing')
      expect((err as AppError).diagnosis.params?.provider).toBe('Microsoft')
    }
  })

  it('recognises Microsoft from the ISPDB oAuth2 element and uses the policy client id and tenant', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({
        oauth: { providers: { microsoft: { clientId: 'org-app-id', tenant: 'contoso.onmicrosoft.com' } } }
      })
    })
    const c = resolveClient(table, { oauth2: ispdbOAuth2('office365.com.xml') })
    expect(c.providerId).toBe('microsoft')
    expect(c.clientId).toBe('org-app-id')
    expect(c.authorizationEndpoint).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize'
    )
    expect(c.tokenEndpoint).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token')
  })

  it('uses the common endpoint by default and a tenant an autoconfig authURL names', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { providers: { microsoft: { clientId: 'x' } } } })
    })
    expect(resolveClient(table, { providerId: 'microsoft' }).tokenEndpoint).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/token'
    )
    // The discovery table's provider ids name the same sign-in.
    expect(resolveClient(table, { providerId: 'microsoft365' }).providerId).toBe('microsoft')
    expect(resolveClient(table, { providerId: 'outlook.com' }).providerId).toBe('microsoft')
    const c = resolveClient(table, {
      oauth2: {
        issuer: 'login.microsoftonline.com',
        scope: 'x',
        authURL: 'https://login.microsoftonline.com/fabrikam.example/oauth2/v2.0/authorize'
      }
    })
    expect(c.tokenEndpoint).toBe('https://login.microsoftonline.com/fabrikam.example/oauth2/v2.0/token')
  })

  it('recognises every Microsoft and Google entry of the discovery provider table', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { providers: { microsoft: { clientId: 'm' }, google: { clientId: 'g' } } } })
    })
    // The discovery table as discovery reads it (its OAuth2 settings come from the sign-in table).
    const signIns = loadMailProviders(resourcesDir)
      .providers.filter((p) => p.oauth2 && /microsoftonline|google/.test(p.oauth2.issuer))
      .map((p) => [
        p.id,
        resolveClient(table, { providerId: p.id, oauth2: p.oauth2 }).providerId,
        resolveClient(table, { oauth2: p.oauth2 }).providerId
      ])
    expect(signIns.length).toBeGreaterThanOrEqual(2)
    for (const [id, byId, byIssuer] of signIns) {
      expect(byId, id).toBe(byIssuer)
      expect(['microsoft', 'google'], id).toContain(byIssuer)
    }
  })

  it('recognises Google and asks only for mail, not the ISPDB contacts and calendar scopes', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { providers: { google: { clientId: 'g-id' } } } })
    })
    const c = resolveClient(table, { oauth2: ispdbOAuth2('googlemail.com.xml') })
    expect(c.providerId).toBe('google')
    expect(c.scope).not.toContain('contacts')
    expect(c.scope.split(' ')).toContain('https://mail.google.com/')
    expect(c.extraAuthParams).toMatchObject({ access_type: 'offline' })
  })

  it('takes the client id for an issuer autoconfig names from the policy, else leaves it to registration', async () => {
    const plain = await loadProviderTable({ resourcesDir })
    // Empty: the service registers one where the issuer offers RFC 7591, else answers oauth-client-missing.
    expect(resolveClient(plain, { oauth2: { issuer: 'id.example.org', scope: 'mail' } }).clientId).toBe('')
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { issuers: { 'id.example.org': { clientId: 'ex-id' } } } })
    })
    const c = resolveClient(table, { oauth2: { issuer: 'id.example.org', scope: 'mail offline_access' } })
    expect(c).toMatchObject({ issuer: 'https://id.example.org', clientId: 'ex-id', scope: 'mail offline_access' })
    expect(c.providerId).toBeUndefined()
  })

  it('refuses an issuer over plain http', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { issuers: { 'http://id.example.org': { clientId: 'x' } } } })
    })
    expect(
      await codeOf(() => resolveClient(table, { oauth2: { issuer: 'http://id.example.org', scope: 'mail' } }))
    ).toBe('oauth-server-error')
  })

  it('takes nothing from a malformed policy file (a bad tenant, an unknown key): not even its valid client id', async () => {
    for (const bad of [
      { oauth: { providers: { microsoft: { clientId: 'org-app-id', tenant: 'bad tenant/../' } } } },
      { oauth: { providers: { microsoft: { clientId: 'org-app-id' } } }, other: true }
    ]) {
      const table = await loadProviderTable({ resourcesDir, policyFile: policy(bad) })
      expect(table.policy).toEqual({ providers: {}, issuers: {} })
      expect(await codeOf(() => resolveClient(table, { providerId: 'microsoft' }))).toBe('oauth-client-missing')
    }
  })

  it('lets the system browser open configured sign-in pages and nothing else', async () => {
    const table = await loadProviderTable({
      resourcesDir,
      policyFile: policy({ oauth: { issuers: { 'https://id.example.org': { clientId: 'x' } } } })
    })
    const origins = configuredOrigins(table)
    expect(isAllowedExternalUrl('https://login.microsoftonline.com/common/oauth2/v2.0/authorize?x=1', origins)).toBe(
      true
    )
    expect(isAllowedExternalUrl('https://id.example.org/auth?client_id=x', origins)).toBe(true)
    expect(isAllowedExternalUrl('https://evil.example.org/auth', origins)).toBe(false)
    expect(isAllowedExternalUrl('https://id.example.org.evil.test/auth', origins)).toBe(false)
  })
})

describe('authorize URL', () => {
  it('asks for a code with PKCE S256, state, login hint and a 127.0.0.1 redirect', async () => {
    const config = loadConfig(
      {},
      {
        resourcesDir,
        policyFile: policy({
          oauth: { providers: { microsoft: { clientId: 'org-app-id', tenant: 'contoso.onmicrosoft.com' } } }
        })
      }
    )
    const svc = new OAuthService({
      config,
      dns: createDns({ dnsServers: [] }),
      ca: [],
      credentials: createCredentialStore('Mail Setup OAuth Test')
    })
    const events: string[] = []
    const begun = await svc.begin({
      address: 'Ann@Contoso.example',
      providerId: 'microsoft',
      onState: (s) => events.push(s)
    })
    const url = new URL(begun.authorizeUrl)
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize'
    )
    const p = url.searchParams
    expect(p.get('response_type')).toBe('code')
    expect(p.get('client_id')).toBe('org-app-id')
    expect(p.get('code_challenge_method')).toBe('S256')
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(p.get('state')!.length).toBeGreaterThanOrEqual(32)
    expect(p.get('login_hint')).toBe('Ann@Contoso.example')
    expect(p.get('scope')).toContain('offline_access')
    expect(p.get('redirect_uri')).toBe(begun.redirectUri)
    expect(new URL(begun.redirectUri).hostname).toBe('127.0.0.1')
    expect(p.has('client_secret')).toBe(false)
    expect(isAllowedExternalUrl(begun.authorizeUrl, await svc.allowedOrigins())).toBe(true)
    // Two sign-ins never share state, verifier or port.
    const other = await svc.begin({ address: 'ann@contoso.example', providerId: 'microsoft' })
    expect(new URL(other.authorizeUrl).searchParams.get('state')).not.toBe(p.get('state'))
    expect(new URL(other.authorizeUrl).searchParams.get('code_challenge')).not.toBe(p.get('code_challenge'))
    expect(other.redirectUri).not.toBe(begun.redirectUri)
    expect(svc.cancel(begun.sessionId)).toBe(true)
    expect(svc.cancel(other.sessionId)).toBe(true)
    await expect(svc.complete(begun.sessionId)).rejects.toMatchObject({ diagnosis: { code: 'oauth-cancelled' } })
    expect(events).toEqual(['waiting', 'failed'])
  })
})
