// OAuth in the test world: the authorization server (./oauth-server.ts) and mail servers that
// accept only its tokens — the bench's Dovecot launcher with the oauth2 passdb and token
// introspection (IMAPS 993, POP3S 995), and an smtp-server (465) with AUTH XOAUTH2 that
// introspects the same way — on two fresh loopback addresses with certificates from the test
// CA, stopped with the world. The vitest OAuth tests and the Playwright e2e use the same parts.
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { allocLoopback } from './addresses'
import type { IssuedCert } from './ca'
import type { World } from './compose'
import { startDovecot, type Dovecot } from './dovecot'
import { startOAuthServer, type OAuthServer } from './oauth-server'

export interface OAuthDovecot extends Pick<Dovecot, 'deliver' | 'stop' | 'mailRoot'> {
  address: string
  log: string
}

export async function startOAuthDovecot(o: {
  address: string
  certFile: string
  keyFile: string
  oauth: OAuthServer
}): Promise<OAuthDovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-dovecot-'))
  // The mail processes (uid 65534) must pass through to their maildirs.
  await chmod(dir, 0o755)
  const dovecot = await startDovecot({
    dir,
    address: o.address,
    hostname: 'mail.oauth.test',
    certFile: o.certFile,
    keyFile: o.keyFile,
    users: [],
    oauth2Introspection: o.oauth.dovecotIntrospectionUrl,
    implicitTlsOnly: true
  })
  return {
    address: o.address,
    log: dovecot.logFile,
    mailRoot: dovecot.mailRoot,
    deliver: dovecot.deliver,
    async stop() {
      await dovecot.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export interface OAuthSmtp {
  address: string
  port: number
  /** Users the server let in, in order. */
  accepted: string[]
  stop(): Promise<void>
}

/** SMTP submission over implicit TLS that accepts only XOAUTH2 with a token the server vouches for. */
export async function startOAuthSmtp(o: {
  address: string
  cert: string
  key: string
  oauth: OAuthServer
  dovecot: OAuthDovecot
}): Promise<OAuthSmtp> {
  const accepted: string[] = []
  const server = new SMTPServer({
    secure: true,
    cert: o.cert,
    key: o.key,
    authMethods: ['XOAUTH2'],
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.method !== 'XOAUTH2' || !auth.accessToken) return callback(new Error('XOAUTH2 only'))
      o.oauth.introspect(auth.accessToken).then(
        (info) => {
          if (info.active && info.email?.toLowerCase() === auth.username?.toLowerCase()) {
            accepted.push(auth.username!)
            return callback(null, { user: auth.username })
          }
          // XOAUTH2 failure: the JSON challenge the client must answer before the final 535.
          callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } })
        },
        (err: Error) => callback(err)
      )
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        Promise.all(session.envelope.rcptTo.map((r) => o.dovecot.deliver(r.address, raw))).then(
          (codes) => callback(codes.every((c) => c === 0) ? null : new Error('delivery failed')),
          (err: Error) => callback(err)
        )
      })
    }
  })
  server.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(465, o.address, () => resolve())
  })
  return {
    address: o.address,
    port: 465,
    accepted,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export interface OAuthMail {
  oauth: OAuthServer
  dovecot: OAuthDovecot
  smtp: OAuthSmtp
  /** Where the authorization server and the mail servers listen. */
  oauthAddress: string
  mailAddress: string
  /** The certificate all three present: `names` and both addresses. */
  cert: IssuedCert
}

/** The authorization server and its mail servers, joined to `world` (names are for the certificate). */
export async function startOAuthMail(
  world: World,
  opts: { names?: string[]; accessTokenTtl?: number; registration?: boolean } = {}
): Promise<OAuthMail> {
  const oauthAddress = allocLoopback()
  const mailAddress = allocLoopback()
  const cert = await world.ca.issueCert([...(opts.names ?? []), oauthAddress, mailAddress])
  const oauth = await startOAuthServer({
    host: oauthAddress,
    cert: cert.certPem,
    key: cert.keyPem,
    ca: world.ca.certPem,
    accessTokenTtl: opts.accessTokenTtl,
    registration: opts.registration
  })
  world.onStop(() => oauth.close())
  const dovecot = await startOAuthDovecot({
    address: mailAddress,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    oauth
  })
  world.onStop(() => dovecot.stop())
  const smtp = await startOAuthSmtp({ address: mailAddress, cert: cert.certPem, key: cert.keyPem, oauth, dovecot })
  world.onStop(() => smtp.stop())
  return { oauth, dovecot, smtp, oauthAddress, mailAddress, cert }
}
