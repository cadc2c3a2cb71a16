// One OAuth world for a test file: the test world (test/world/compose.ts) with the authorization
// server and OAuth-only mail servers (test/world/oauth-mail.ts), a policy file naming the issuer's
// client id (as an administrator would), and the app's OAuth service.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import { openCa } from '../world/ca'
import { startWorld } from '../world/compose'
import { startOAuthMail, type OAuthDovecot, type OAuthSmtp } from '../world/oauth-mail'
import type { OAuthServer } from '../world/oauth-server'
import { loadConfig, type Config } from '../../src/main/config'
import { createDns } from '../../src/main/net/dns'
import { createCredentialStore, type CredentialStore } from '../../src/main/credentials/store'
import { OAuthService } from '../../src/main/oauth'
import type { OAuth2Settings } from '../../src/shared/domain'
import { oauthAutoconfig } from './autoconfig'

/** The test CA and one certificate it issued for the loopback hosts. */
export interface TestPki {
  caPem: string
  certPem: string
  keyPem: string
  certFile: string
  keyFile: string
}

/** A certificate from the one test CA (the bench's) for `ips`. */
export async function makeTestPki(ips: string[]): Promise<TestPki> {
  const ca = await openCa(inject('bench').ca.dir)
  const cert = await ca.issueCert(ips)
  return { caPem: ca.certPem, ...cert }
}

export interface OAuthWorld {
  pki: TestPki
  oauth: OAuthServer
  dovecot: OAuthDovecot
  smtp: OAuthSmtp
  mailHost: string
  /** The app's environment in this world (its own DNS server, which names `names`). */
  env: NodeJS.ProcessEnv
  config: Config
  credentials: CredentialStore
  /** The issuer as an autoconfig `oAuth2` element would name it. */
  oauth2: OAuth2Settings
  service(opts?: { redirectTimeoutMs?: number; now?: () => number }): OAuthService
  stop(): Promise<void>
}

/**
 * `registration`: the server offers RFC 7591 registration and no client ID is configured.
 * `names`: host names for the mail servers (in the world's DNS and their certificate).
 */
export async function startOAuthWorld(
  opts: { accessTokenTtl?: number; registration?: boolean; names?: string[] } = {}
): Promise<OAuthWorld> {
  const world = await startWorld(inject('bench'))
  const { oauth, dovecot, smtp, mailAddress, cert } = await startOAuthMail(world, opts)
  for (const name of opts.names ?? []) world.name(name, mailAddress)
  const pki: TestPki = { caPem: world.ca.certPem, ...cert }
  const policyFile = join(world.dir, 'policy.json')
  const userDataDir = join(world.dir, 'user-data')
  mkdirSync(userDataDir)
  writeFileSync(
    policyFile,
    JSON.stringify({ oauth: { issuers: opts.registration ? {} : { [oauth.issuer]: { clientId: oauth.clientId } } } })
  )
  // Discovery finds the issuer where the wizard would: an ISP autoconfig file naming it in <oAuth2>.
  const ispDir = join(world.dir, 'isp')
  mkdirSync(ispDir)
  writeFileSync(
    join(ispDir, 'example.test.xml'),
    oauthAutoconfig({
      domain: 'example.test',
      displayName: 'Example',
      mailHost: mailAddress,
      issuer: oauth.issuer,
      scope: oauth.scope,
      servers: [
        ['imap', 993],
        ['pop3', 995],
        ['smtp', 465]
      ]
    })
  )
  const config = loadConfig(
    {},
    {
      ispDirs: [ispDir],
      policyFile,
      keychainService: 'Mail Setup OAuth Test',
      dnsServers: [],
      extraCaPem: [pki.caPem],
      userDataDir,
      resourcesDir: join(process.cwd(), 'resources')
    }
  )
  const credentials = createCredentialStore(config.keychainService)
  const dns = createDns({ dnsServers: [] })
  return {
    pki,
    oauth,
    dovecot,
    smtp,
    mailHost: mailAddress,
    env: world.env,
    config,
    credentials,
    oauth2: { issuer: oauth.issuer, scope: oauth.scope },
    service: (o = {}) => new OAuthService({ config, dns, ca: [pki.caPem], credentials, ...o }),
    stop: () => world.stop()
  }
}

/** A setup session that found `address`'s OAuth2 candidate: what oauthBegin and oauthAvailability name. */
export async function oauthCandidate(
  call: <T>(name: string, req: unknown) => Promise<T>,
  address: string
): Promise<{ sessionId: string; candidateId: string }> {
  const found = await call<{ sessionId: string; candidates: Array<{ id: string; oauth2?: unknown }> }>('discover', {
    runId: `find-${address}`,
    address,
    offline: true
  })
  const candidate = found.candidates.find((c) => c.oauth2)
  if (!candidate) throw new Error(`discovery found no OAuth2 candidate for ${address}`)
  return { sessionId: found.sessionId, candidateId: candidate.id }
}
