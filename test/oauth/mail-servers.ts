// Mail servers that accept OAuth2 tokens by asking the bench authorization server:
// a Dovecot (IMAP 993, POP3 995) with the oauth2 passdb and token introspection, and an
// smtp-server (465) with AUTH XOAUTH2 that introspects the same way. Own instance, own config.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import type { OAuthServer } from '../world/oauth-server'

const MAIL_UID = 65534

export interface OAuthDovecot {
  address: string
  log: string
  /** Delivers a message into a user's maildir (dovecot-lda); resolves with its exit code. */
  deliver(rcpt: string, raw: Buffer): Promise<number | null>
  stop(): Promise<void>
}

// Debian installs it outside PATH.
const LDA = '/usr/lib/dovecot/dovecot-lda'

function dovecotConf(o: { address: string; base: string; certFile: string; keyFile: string; mail: string; log: string; ext: string }): string {
  // Blocks on several lines (Dovecot rejects one-line blocks); anvil penalty off so a
  // refused token does not slow the next login.
  return `base_dir = ${o.base}
state_dir = ${o.base}/state
log_path = ${o.log}
protocols = imap pop3
listen = ${o.address}
ssl = required
ssl_cert = <${o.certFile}
ssl_key = <${o.keyFile}
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer
auth_failure_delay = 0
auth_verbose = yes
mail_location = maildir:~/Maildir
first_valid_uid = ${MAIL_UID}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${o.ext}
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${o.mail}/%d/%n allow_all_users=yes
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
`
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port })
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}

export async function startOAuthDovecot(o: { address: string; certFile: string; keyFile: string; oauth: OAuthServer }): Promise<OAuthDovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-dovecot-'))
  // The mail processes (uid 65534) must pass through to their maildirs.
  await chmod(dir, 0o755)
  const base = join(dir, 'run')
  const mail = join(dir, 'mail')
  await mkdir(join(base, 'state'), { recursive: true })
  await mkdir(mail, { recursive: true })
  await chown(mail, MAIL_UID, MAIL_UID)
  const ext = join(dir, 'oauth2.conf.ext')
  await writeFile(
    ext,
    `introspection_mode = post
introspection_url = ${o.oauth.dovecotIntrospectionUrl}
username_attribute = email
active_attribute = active
active_value = true
`,
    { mode: 0o600 }
  )
  const log = join(dir, 'dovecot.log')
  const conf = join(dir, 'dovecot.conf')
  await writeFile(conf, dovecotConf({ address: o.address, base, certFile: o.certFile, keyFile: o.keyFile, mail, log, ext }))
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let dead = false
  void exited.then(() => (dead = true))
  const deadline = Date.now() + 10_000
  while (!(await canConnect(o.address, 995))) {
    if (dead) throw new Error(`dovecot exited: ${stderr.trim()} (log ${log})`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`dovecot did not listen (log ${log})`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  return {
    address: o.address,
    log,
    deliver: (rcpt, raw) =>
      new Promise((resolve) => {
        const lda = spawn(LDA, ['-c', conf, '-d', rcpt], { stdio: ['pipe', 'ignore', 'ignore'] })
        lda.once('error', () => resolve(null))
        lda.once('exit', (code) => resolve(code))
        lda.stdin.on('error', () => undefined)
        lda.stdin.end(raw)
      }),
    async stop() {
      if (!dead) {
        child.kill('SIGTERM')
        await exited
      }
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
export async function startOAuthSmtp(o: { address: string; cert: string; key: string; oauth: OAuthServer; dovecot: OAuthDovecot }): Promise<OAuthSmtp> {
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
