// The OAuth pieces beside the bench for the "Sign in with …" tests: a real authorization server
// (oidc-provider), an OAuth-only Dovecot (IMAPS, POP3S) and XOAUTH2 SMTP that check tokens with
// it, an autoconfig file in the ISP folder whose <oAuth2> names the issuer, and a policy file
// giving that issuer the app's client id, as an administrator would.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { OAuthServer } from '../test/world/oauth-server'
import { startOAuthMail, type OAuthSmtp } from '../test/world/oauth-mail'
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
  return async (world, bench) => {
    const { oauth, smtp, dovecot, mailAddress } = await startOAuthMail(world, { names: [OAUTH_MAIL_HOST] })
    world.name(OAUTH_MAIL_HOST, mailAddress)
    await writeFile(
      join(bench.ispDir, `${OAUTH_DOMAIN}.xml`),
      oauthAutoconfig({
        domain: OAUTH_DOMAIN,
        displayName: 'OAuth Bench Mail',
        mailHost: OAUTH_MAIL_HOST,
        issuer: oauth.issuer,
        scope: oauth.scope,
        servers: [
          ['imap', 993],
          ['pop3', 995],
          ['smtp', 465]
        ]
      })
    )
    const policy = join(world.dir, 'policy.json')
    await writeFile(policy, JSON.stringify({ oauth: { issuers: { [oauth.issuer]: { clientId: oauth.clientId } } } }))
    Object.assign(parts, { oauth, smtp, dovecotLog: dovecot.log })
    return { MAIL_SETUP_POLICY: policy }
  }
}
