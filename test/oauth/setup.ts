// One OAuth world for a test file: authorization server, OAuth-only Dovecot and SMTP, a policy
// file naming the issuer's client id (as an administrator would), and the app's OAuth service.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allocLoopback } from '../world/addresses'
import { startOAuthServer, type OAuthServer } from '../world/oauth-server'
import { loadConfig, type Config } from '../../src/main/config'
import { createDns } from '../../src/main/net/dns'
import { createCredentialStore, type CredentialStore } from '../../src/main/credentials/store'
import { OAuthService } from '../../src/main/oauth'
import type { OAuth2Settings } from '../../src/shared/domain'
import { createCa } from '../world/ca'
import { startOAuthDovecot, startOAuthSmtp, type OAuthDovecot, type OAuthSmtp } from './mail-servers'

/** The bench's test CA and one certificate for the loopback hosts. */
export interface TestPki {
  dir: string
  caPem: string
  certPem: string
  keyPem: string
  certFile: string
  keyFile: string
}

export async function makeTestPki(ips: string[]): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-pki-'))
  const ca = await createCa(dir)
  const cert = await ca.issueCert(ips)
  return { dir, caPem: ca.certPem, ...cert }
}

export interface OAuthWorld {
  pki: TestPki
  oauth: OAuthServer
  dovecot: OAuthDovecot
  smtp: OAuthSmtp
  mailHost: string
  config: Config
  credentials: CredentialStore
  /** The issuer as an autoconfig `oAuth2` element would name it. */
  oauth2: OAuth2Settings
  service(opts?: { redirectTimeoutMs?: number; now?: () => number }): OAuthService
  stop(): Promise<void>
}

/** `registration`: the server offers RFC 7591 registration and no client ID is configured. */
export async function startOAuthWorld(opts: { accessTokenTtl?: number; registration?: boolean } = {}): Promise<OAuthWorld> {
  const oauthHost = allocLoopback()
  const mailHost = allocLoopback()
  const pki = await makeTestPki([oauthHost, mailHost])
  const oauth = await startOAuthServer({ host: oauthHost, cert: pki.certPem, key: pki.keyPem, ca: pki.caPem, accessTokenTtl: opts.accessTokenTtl, registration: opts.registration })
  const dovecot = await startOAuthDovecot({ address: mailHost, certFile: pki.certFile, keyFile: pki.keyFile, oauth })
  const smtp = await startOAuthSmtp({ address: mailHost, cert: pki.certPem, key: pki.keyPem, oauth, dovecot })
  const policyFile = join(mkdtempSync(join(tmpdir(), 'oauth-policy-')), 'policy.json')
  writeFileSync(policyFile, JSON.stringify({ oauth: { issuers: opts.registration ? {} : { [oauth.issuer]: { clientId: oauth.clientId } } } }))
  const config = loadConfig({}, {
    policyFile,
    keychainService: 'Mail Setup OAuth Test',
    dnsServers: [],
    extraCaPem: [pki.caPem],
    userDataDir: mkdtempSync(join(tmpdir(), 'oauth-user-data-')),
    resourcesDir: join(process.cwd(), 'resources')
  })
  const credentials = createCredentialStore(config.keychainService)
  const dns = createDns({ dnsServers: [] })
  return {
    pki,
    oauth,
    dovecot,
    smtp,
    mailHost,
    config,
    credentials,
    oauth2: { issuer: oauth.issuer, scope: oauth.scope },
    service: (o = {}) => new OAuthService({ config, dns, ca: [pki.caPem], credentials, ...o }),
    async stop() {
      await smtp.stop()
      await dovecot.stop()
      await oauth.close()
      for (const dir of [pki.dir, config.userDataDir, join(policyFile, '..')]) rmSync(dir, { recursive: true, force: true })
    }
  }
}
