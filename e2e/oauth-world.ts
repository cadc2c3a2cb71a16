// The OAuth pieces beside the bench for the "Sign in with …" tests: a real authorization server
// (oidc-provider), an OAuth-only Dovecot (IMAPS, POP3S) and XOAUTH2 SMTP that check tokens with
// it, an autoconfig file in the ISP folder whose <oAuth2> names the issuer, and a policy file
// giving that issuer the app's client id, as an administrator would.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bench } from '../test/world/index'
import { allocLoopback } from '../test/world/addresses'
import { startOAuthServer, type OAuthServer } from '../test/world/oauth-server'
import { startOAuthDovecot, startOAuthSmtp, type OAuthSmtp } from '../test/oauth/mail-servers'
import { oauthAutoconfig } from '../test/oauth/autoconfig'
import type { Extra } from './world'

export const OAUTH_DOMAIN = 'oauth.bench.test'
export const OAUTH_MAIL_HOST = `mail.${OAUTH_DOMAIN}`

export interface OAuthParts {
  oauth: OAuthServer
  smtp: OAuthSmtp
  /** The Dovecot's log: it names the mechanism each login used. */
  dovecotLog: string
}

/** Starts the pieces; `parts` is filled in once they run. */
export function oauthExtra(parts: Partial<OAuthParts>): Extra {
  return async (bench: Bench) => {
    const stops: Array<() => Promise<void>> = []
    const stop = async (): Promise<void> => {
      for (const s of stops.reverse()) await s()
    }
    try {
      const oauthIp = allocLoopback()
      const mailIp = allocLoopback()
      const cert = await bench.ca.issueCert([OAUTH_MAIL_HOST, oauthIp])
      const oauth = await startOAuthServer({ host: oauthIp, cert: cert.certPem, key: cert.keyPem, ca: bench.ca.certPem })
      stops.push(() => oauth.close())
      const dovecot = await startOAuthDovecot({ address: mailIp, certFile: cert.certFile, keyFile: cert.keyFile, oauth })
      stops.push(() => dovecot.stop())
      const smtp = await startOAuthSmtp({ address: mailIp, cert: cert.certPem, key: cert.keyPem, oauth, dovecot })
      stops.push(() => smtp.stop())
      bench.dns.set(OAUTH_MAIL_HOST, 'A', [mailIp])
      await writeFile(join(bench.ispDir, `${OAUTH_DOMAIN}.xml`), oauthAutoconfig({ domain: OAUTH_DOMAIN, displayName: 'OAuth Bench Mail', mailHost: OAUTH_MAIL_HOST, issuer: oauth.issuer, scope: oauth.scope, servers: [['imap', 993], ['pop3', 995], ['smtp', 465]] }))
      const dir = await mkdtemp(join(tmpdir(), 'e2e-oauth-policy-'))
      stops.push(() => rm(dir, { recursive: true, force: true }))
      const policy = join(dir, 'policy.json')
      await writeFile(policy, JSON.stringify({ oauth: { issuers: { [oauth.issuer]: { clientId: oauth.clientId } } } }))
      Object.assign(parts, { oauth, smtp, dovecotLog: dovecot.log })
      return { env: { MAIL_SETUP_POLICY: policy }, stop }
    } catch (err) {
      await stop()
      throw err
    }
  }
}
