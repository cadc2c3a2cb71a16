// One real Dovecot (IMAP, POP3, submission) in the foreground with its own config, base_dir
// and maildirs inside the bench folder. Settings and the reasons for them:
// - ssl = required + disable_plaintext_auth: no login before TLS (Dovecot counts a client on
//   the server's own IP as secure, so tests connect from 127.0.0.1 to the bench address);
// - anvil-auth-penalty mode 0: otherwise each failed login delays the next ones from that IP;
// - base_dir wiped before start: a stale socket makes Dovecot retry for 5 s;
// - mail owned by 65534: Dovecot refuses UID 0 for mail;
// - blocks on several lines: Dovecot rejects one-line blocks.
import { spawn, type ChildProcess } from 'node:child_process'
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const MAIL_UID = 65534
export const MAIL_GID = 65534

export const PORTS = { imap: 143, imaps: 993, pop3: 110, pop3s: 995, submission: 587, submissions: 465 } as const

/** The bench's special-use folders, named unlike the usual defaults ("Sent", "Trash") so a
 * test sees whether an export took the server's names. */
export const SPECIAL_USE = { sent: 'Sent Messages', drafts: 'Drafts', trash: 'Deleted Messages', junk: 'Junk' } as const

export interface DovecotOptions {
  dir: string
  address: string
  hostname: string
  certFile: string
  keyFile: string
  /** `logins`: more names that sign in as this user with its password (a server that also
   * takes the local part, for accounts whose outgoing username differs from the incoming). */
  users: Array<{ address: string; password: string; logins?: string[] }>
  /** Where submission relays to; without it the server offers no submission. */
  relay?: { host: string; port: number }
  /** SASL mechanisms offered (default "plain login"; "scram-sha-256" for a SCRAM-only server). */
  authMechanisms?: string
  /** Signs users in by OAuth2 token only (XOAUTH2, OAUTHBEARER), asking this introspection
   * endpoint; every user the token names exists. */
  oauth2Introspection?: string
  /** Implicit TLS ports only (993, 995, 465): nothing listens on 143, 110 or 587. */
  implicitTlsOnly?: boolean
}

export interface Dovecot {
  conf: string
  mailRoot: string
  logFile: string
  /** Delivers a message into a user's maildir (dovecot-lda); resolves with its exit code. */
  deliver(rcpt: string, raw: Buffer): Promise<number | null>
  stop(): Promise<void>
}

// Debian installs it outside PATH.
const LDA = '/usr/lib/dovecot/dovecot-lda'

function config(
  o: DovecotOptions,
  paths: { base: string; state: string; mail: string; users: string; log: string; oauth2: string }
): string {
  const port = (p: number): number => (o.implicitTlsOnly ? 0 : p)
  const auth = o.oauth2Introspection
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${paths.oauth2}
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${paths.mail}/%d/%n allow_all_users=yes
}`
    : `passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${paths.users}
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${paths.mail}/%d/%n
}`
  const relay = o.relay
    ? `submission_relay_host = ${o.relay.host}
submission_relay_port = ${o.relay.port}
submission_relay_trusted = yes
submission_relay_ssl = no
`
    : ''
  const submission = o.relay
    ? `service submission-login {
  inet_listener submission {
    port = ${port(PORTS.submission)}
  }
  inet_listener submissions {
    port = ${PORTS.submissions}
    ssl = yes
  }
}
`
    : ''
  return `# Mail Setup test bench (generated)
base_dir = ${paths.base}
state_dir = ${paths.state}
log_path = ${paths.log}
protocols = imap pop3${o.relay ? ' submission' : ''}
listen = ${o.address}
hostname = ${o.hostname}
postmaster_address = postmaster@${o.hostname.replace(/^mail\./, '')}
login_greeting = Mail Setup bench ready.
ssl = required
ssl_cert = <${o.certFile}
ssl_key = <${o.keyFile}
disable_plaintext_auth = yes
auth_mechanisms = ${o.oauth2Introspection ? 'xoauth2 oauthbearer' : (o.authMechanisms ?? 'plain login')}
auth_failure_delay = 0
auth_verbose = yes
mail_location = maildir:~/Maildir
first_valid_uid = ${MAIL_UID}
first_valid_gid = ${MAIL_GID}
${relay}# RFC 6154 special-use folders (SPECIAL_USE).
namespace inbox {
  inbox = yes
${Object.entries(SPECIAL_USE)
  .map(
    ([role, name]) =>
      `  mailbox "${name}" {\n    special_use = \\${role[0]!.toUpperCase()}${role.slice(1)}\n    auto = subscribe\n  }\n`
  )
  .join('')}}
${auth}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    port = ${port(PORTS.imap)}
  }
  inet_listener imaps {
    port = ${PORTS.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${port(PORTS.pop3)}
  }
  inet_listener pop3s {
    port = ${PORTS.pop3s}
    ssl = yes
  }
}
${submission}`
}

async function systemUid(name: string): Promise<number | undefined> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`))
  const uid = line ? Number(line.split(':')[2]) : NaN
  return Number.isInteger(uid) ? uid : undefined
}

/** Whether something listens on ip:port, read from /proc/net/tcp: a test connection would
 * spawn a login process, and stopping Dovecot while that one starts up costs 5 s. */
export async function listening(ip: string, port: number): Promise<boolean> {
  const hexIp = ip
    .split('.')
    .reverse()
    .map((n) => Number(n).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()
  const local = `${hexIp}:${port.toString(16).toUpperCase().padStart(4, '0')}`
  const table = await readFile('/proc/net/tcp', 'utf8')
  return table.split('\n').some((line) => {
    const f = line.trim().split(/\s+/)
    return f[1] === local && f[3] === '0A'
  })
}

export async function startDovecot(o: DovecotOptions): Promise<Dovecot> {
  const base = join(o.dir, 'run')
  const paths = {
    base,
    state: join(o.dir, 'state'),
    mail: join(o.dir, 'mail'),
    users: join(o.dir, 'users'),
    log: join(o.dir, 'dovecot.log'),
    oauth2: join(o.dir, 'oauth2.conf.ext')
  }
  await rm(base, { recursive: true, force: true })
  await mkdir(base, { recursive: true })
  await mkdir(paths.state, { recursive: true })
  await mkdir(paths.mail, { recursive: true })
  await chown(paths.mail, MAIL_UID, MAIL_GID)
  const lines = o.users.flatMap((u) =>
    [u.address, ...(u.logins ?? [])].map((name) => `${name}:{PLAIN}${u.password}::::::\n`)
  )
  await writeFile(paths.users, lines.join(''), { mode: 0o600 })
  // Dovecot's auth process runs as the `dovecot` user and must read the users file.
  const authUser = await systemUid('dovecot')
  if (authUser !== undefined) await chown(paths.users, authUser, 0)
  if (o.oauth2Introspection) {
    const ext = `introspection_mode = post\nintrospection_url = ${o.oauth2Introspection}\nusername_attribute = email\nactive_attribute = active\nactive_value = true\n`
    await writeFile(paths.oauth2, ext, { mode: 0o600 })
  }
  const conf = join(o.dir, 'dovecot.conf')
  await writeFile(conf, config(o, paths))

  const child: ChildProcess = spawn('dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let dead = false
  void exited.then(() => (dead = true))

  // Dovecot binds every listener before serving; one port answering means all do.
  const deadline = Date.now() + 10_000
  while (!(await listening(o.address, PORTS.imaps))) {
    if (dead) throw new Error(`dovecot exited: ${stderr.trim()} (log ${paths.log})`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`dovecot did not listen on ${o.address}:${PORTS.imaps} (log ${paths.log})`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }

  return {
    conf,
    mailRoot: paths.mail,
    logFile: paths.log,
    deliver: (rcpt, raw) =>
      new Promise((resolve) => {
        const lda = spawn(LDA, ['-c', conf, '-d', rcpt], { stdio: ['pipe', 'ignore', 'ignore'] })
        lda.once('error', () => resolve(null))
        lda.once('exit', (code) => resolve(code))
        lda.stdin.on('error', () => undefined)
        lda.stdin.end(raw)
      }),
    async stop() {
      if (dead) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
}
