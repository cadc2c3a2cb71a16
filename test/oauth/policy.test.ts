// The admin policy file end to end: MAIL_SETUP_POLICY → config → oauthBegin through the API
// builds the authorize URL with the organisation's client id (and tenant); a provider without
// any client id is a typed diagnosis an administrator can act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allocLoopback } from '../world/addresses'
import { startOAuthServer, type OAuthServer } from '../world/oauth-server'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { createHandlers, dispatch, type DoorHooks } from '../../src/main/api/handlers'
import type { Result } from '../../src/shared/api'
import type { Diagnosis } from '../../src/shared/diagnosis'
import type { Candidate } from '../../src/shared/domain'
import { makeTestPki, type TestPki } from './setup'
import { oauthAutoconfig } from './autoconfig'

const shippedResources = join(process.cwd(), 'resources')
const dirs: string[] = []
let pki: TestPki
let server: OAuthServer

beforeAll(async () => {
  const host = allocLoopback()
  pki = await makeTestPki([host])
  server = await startOAuthServer({ host, cert: pki.certPem, key: pki.keyPem, ca: pki.caPem })
})
afterAll(async () => {
  await server?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-policy-e2e-'))
  dirs.push(dir)
  return dir
}

function writePolicy(content: unknown): string {
  const file = join(tempDir(), 'policy.json')
  writeFileSync(file, JSON.stringify(content))
  return file
}

/** A resources folder whose provider file ships a build's own client id for Google. */
function resourcesWithShippedId(id: string): string {
  const dir = tempDir()
  // The rest of the shipped resources as they are (discovery reads providers.json).
  cpSync(shippedResources, dir, { recursive: true })
  const file = JSON.parse(readFileSync(join(shippedResources, 'oauth-providers.json'), 'utf8')) as {
    providers: Array<{ id: string; clientId: string }>
  }
  for (const p of file.providers) if (p.id === 'google') p.clientId = id
  writeFileSync(join(dir, 'oauth-providers.json'), JSON.stringify(file))
  return dir
}

/**
 * What discovery finds offline for the test addresses: gmail.com from the shipped provider table;
 * contoso.example and example.test from ISP autoconfig files naming their issuer in <oAuth2>.
 */
function ispDir(): string {
  const dir = tempDir()
  const file = (domain: string, issuer: string, scope: string) =>
    writeFileSync(
      join(dir, `${domain}.xml`),
      oauthAutoconfig({
        domain,
        displayName: domain,
        mailHost: `mail.${domain}`,
        issuer,
        scope,
        servers: [
          ['imap', 993],
          ['smtp', 465]
        ]
      })
    )
  file('contoso.example', 'login.microsoftonline.com', 'https://outlook.office.com/IMAP.AccessAsUser.All')
  file('example.test', server.issuer, server.scope)
  return dir
}

/** The app as a door starts it, configured from the environment only. */
function app(env: Record<string, string>, opts: { resourcesDir?: string; door?: 'browser' | 'window' } = {}) {
  const caFile = join(tempDir(), 'ca.pem')
  writeFileSync(caFile, pki.caPem)
  const config = loadConfig(
    {
      MAIL_SETUP_USER_DATA: tempDir(),
      MAIL_SETUP_EXTRA_CA: caFile,
      MAIL_SETUP_KEYCHAIN_SERVICE: 'Mail Setup OAuth Test',
      MAIL_SETUP_ISP_DIRS: ispDir(),
      ...env
    },
    {},
    opts.resourcesDir ?? shippedResources
  )
  const opened: string[] = []
  const hooks: DoorHooks = {
    door: opts.door ?? 'browser',
    version: 'test',
    emit: () => undefined,
    // The window's system browser: records the page it was asked to open. Browser mode has none
    // (the wizard opens a tab itself): the handlers follow the capability, not the door's name.
    ...(opts.door === 'window' ? { openExternal: async (url: string) => (opened.push(url), true) } : {})
  }
  const handlers = createHandlers(createServices(config), hooks)
  let run = 0
  return {
    opened,
    /**
     * discover, then oauthBegin for the candidate that signs in in the browser; the wait is cancelled straight away.
     */
    async begin(address: string): Promise<Result<{ authorizeUrl: string; openedByMain: boolean }>> {
      const runId = `policy-${++run}`
      const found = (await dispatch(handlers, 'discover', {
        runId: `${runId}-find`,
        address,
        offline: true
      })) as Result<{ sessionId: string; candidates: Candidate[] }>
      if (!found.ok) throw new Error(`discover failed: ${JSON.stringify(found.error)}`)
      const candidate = found.value.candidates.find((c) => c.oauth2 || c.provider?.oauth)
      if (!candidate) throw new Error(`discovery found no browser sign-in for ${address}`)
      const named = { sessionId: found.value.sessionId, candidateId: candidate.id }
      const r = (await dispatch(handlers, 'oauthBegin', { runId, ...named })) as Result<{
        authorizeUrl: string
        openedByMain: boolean
      }>
      await dispatch(handlers, 'cancel', { runId })
      return r
    }
  }
}

function urlOf(r: Result<{ authorizeUrl: string }>): URL {
  if (!r.ok) throw new Error(`oauthBegin failed: ${JSON.stringify(r.error)}`)
  return new URL(r.value.authorizeUrl)
}

function errorOf(r: Result<unknown>): Diagnosis {
  if (r.ok) throw new Error('oauthBegin should have failed')
  return r.error
}

describe('admin policy file', () => {
  it("puts the organisation's Microsoft client id and tenant into the sign-in the window opens", async () => {
    const policy = writePolicy({
      oauth: { providers: { microsoft: { clientId: 'contoso-mail-setup', tenant: 'contoso.onmicrosoft.com' } } }
    })
    const a = app({ MAIL_SETUP_POLICY: policy }, { door: 'window' })
    // Autoconfig's Microsoft issuer names the provider the policy configures.
    const r = await a.begin('ann@contoso.example')
    const url = urlOf(r)
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize'
    )
    expect(url.searchParams.get('client_id')).toBe('contoso-mail-setup')
    expect(r.ok && r.value.openedByMain).toBe(true)
    expect(a.opened).toEqual([url.href])
  })

  it('overrides a client id the build ships, and the shipped one applies without a policy', async () => {
    const resourcesDir = resourcesWithShippedId('shipped-build-id')
    const shipped = app({}, { resourcesDir })
    expect(urlOf(await shipped.begin('bo@gmail.com')).searchParams.get('client_id')).toBe('shipped-build-id')
    const policy = writePolicy({ oauth: { providers: { google: { clientId: 'org-google-id' } } } })
    const managed = app({ MAIL_SETUP_POLICY: policy }, { resourcesDir })
    const url = urlOf(await managed.begin('bo@gmail.com'))
    expect(url.origin).toBe('https://accounts.google.com')
    expect(url.searchParams.get('client_id')).toBe('org-google-id')
  })

  it('names the client id for an issuer autoconfig names, found through its metadata', async () => {
    const policy = writePolicy({ oauth: { issuers: { [server.issuer]: { clientId: server.clientId } } } })
    const url = urlOf(await app({ MAIL_SETUP_POLICY: policy }).begin('cy@example.test'))
    expect(url.origin + url.pathname).toBe(`${server.issuer}/auth`)
    expect(url.searchParams.get('client_id')).toBe(server.clientId)
  })

  it('answers oauth-client-missing, naming the provider, when no client id is configured', async () => {
    const plain = app({})
    const google = errorOf(await plain.begin('bo@gmail.com'))
    expect(google).toMatchObject({
      code: 'oauth-client-missing',
      userFixable: false,
      protocol: 'oauth',
      params: { provider: 'Google' }
    })
    const microsoft = errorOf(await plain.begin('ann@contoso.example'))
    expect(microsoft).toMatchObject({ code: 'oauth-client-missing', params: { provider: 'Microsoft' } })
    const issuer = errorOf(await plain.begin('cy@example.test'))
    expect(issuer).toMatchObject({
      code: 'oauth-client-missing',
      params: { provider: new URL(server.issuer).hostname }
    })
    // A policy for another provider does not help this one.
    const other = app({ MAIL_SETUP_POLICY: writePolicy({ oauth: { providers: { microsoft: { clientId: 'm' } } } }) })
    expect(errorOf(await other.begin('bo@gmail.com')).code).toBe('oauth-client-missing')
  })
})
