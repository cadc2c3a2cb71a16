// The second implementation: Cyrus IMAP (IMAP and POP3) and Postfix (submission, with Cyrus
// SASL on a sasldb), set up the way many hosts are: users sign in by the local part of their
// address (the SASL realm is the server's name, so "carol@other.test" is an unknown user), with
// their own capabilities and refusal texts. Postfix delivers over LMTP into Cyrus, so the round
// trip runs end to end on this bench too.
//
// Debian packages cyrus-imapd and cyrus-pop3d conflict with dovecot-imapd/-pop3d (all provide
// imap-server/pop3-server), so scripts/debs.js fetches them with `apt-get download` and
// unpacks them into node_modules/.cache; cyrus-common (master, lmtpd, tools), postfix and
// sasl2-bin are installed normally. Cyrus logs only through syslog: it runs in its own mount
// namespace where /dev/log is the bench's socket (syslog.py), so the bench reads its log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmod, chown, copyFile, mkdir, utimes, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { listening, PORTS } from './dovecot'

export const SECOND_DOMAIN = 'other.test'
export const SECOND_HOST = `mail.${SECOND_DOMAIN}`
/** A domain that publishes nothing but the usual host names, all on this bench (found only by guessing). */
export const GUESSED_DOMAIN = 'guessed.test'
/**
 * A domain whose outgoing host (smtp.port25.test, its own address) takes mail only on port 25,
 * with STARTTLS and AUTH, as Exchange does for clients that can only use 25: nothing answers on
 * 465 or 587 there. Its incoming host is Cyrus.
 */
export const PORT25_DOMAIN = 'port25.test'
/**
 * Cyrus's special-use folders (made under INBOX when a user's INBOX is created), named unlike
 * Dovecot's; LIST shows them as INBOX.<name> with "." between levels.
 */
export const SECOND_SPECIAL_USE = { sent: 'Sent Messages', drafts: 'Drafts', trash: 'Trash', junk: 'Junk' } as const
/** A submission host (its own address) where Postfix's anvil allows one AUTH command a minute. */
export const LIMITED_HOST = 'smtp.limited.test'

export interface SecondOptions {
  dir: string
  address: string
  certFile: string
  keyFile: string
  /** Local parts and passwords. */
  users: Array<{ login: string; password: string }>
  /** Postfix listens on port 25 only here (smtp.port25.test). */
  port25Address: string
  /** Postfix with an AUTH rate limit of one a minute, on 587 and 465 (smtp.limited.test). */
  limitedAddress: string
}

export interface SecondBench {
  cyrusLog: string
  postfixLog: string
  stop(): Promise<void>
}

const CYRUS_BIN = '/usr/lib/cyrus/bin'
/** scripts/debs.js unpacks cyrus-imapd and cyrus-pop3d here. */
const UNPACKED_ROOT = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'mail-setup-debs')

/** imapd and pop3d: installed, or unpacked from their Debian packages by scripts/debs.js. */
export function cyrusServerBin(): string {
  if (existsSync(join(CYRUS_BIN, 'imapd'))) return CYRUS_BIN
  const unpacked = join(UNPACKED_ROOT, 'usr/lib/cyrus/bin')
  if (existsSync(join(unpacked, 'imapd'))) return unpacked
  throw new Error('Cyrus imapd not found: run the tests through `npm test`, which unpacks cyrus-imapd and cyrus-pop3d')
}

async function uidOf(name: string): Promise<{ uid: number; gid: number }> {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`no system user ${name} (is the ${name === 'cyrus' ? 'cyrus-common' : name} package installed?)`)
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

function saslUser(db: string, realm: string, login: string, password: string): void {
  const r = spawnSync('saslpasswd2', ['-p', '-c', '-f', db, '-u', realm, login], { input: password, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`saslpasswd2 failed: ${r.stderr}`)
}

async function waitListening(
  address: string,
  port: number,
  child: ChildProcess,
  what: string,
  log: () => string
): Promise<void> {
  let dead = false
  child.once('exit', () => (dead = true))
  const deadline = Date.now() + 10_000
  while (!(await listening(address, port))) {
    if (dead) throw new Error(`${what} exited before listening (${log()})`)
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${address}:${port} (${log()})`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }
}

async function startCyrus(
  o: SecondOptions,
  lmtpSocket: string
): Promise<{ log: string; stops: Array<() => Promise<void>> }> {
  const d = join(o.dir, 'cyrus')
  const dev = join(d, 'dev')
  // What Cyrus's mkimap would create.
  const subs = [
    'spool',
    'socket',
    'dev',
    ...['db', 'socket', 'proc', 'log', 'msg', 'user', 'quota', 'sieve'].map((x) => join('config', x))
  ]
  for (const sub of subs) await mkdir(join(d, sub), { recursive: true })
  const bin = cyrusServerBin()
  const conf = join(d, 'imapd.conf')
  // Cyrus reads its key as the cyrus user: its own copies, owned by it below.
  const certFile = join(d, 'cert.pem')
  const keyFile = join(d, 'key.pem')
  await copyFile(o.certFile, certFile)
  await copyFile(o.keyFile, keyFile)
  const sasldb = join(d, 'sasldb2')
  for (const u of o.users) saslUser(sasldb, SECOND_HOST, u.login, u.password)
  await writeFile(
    conf,
    `configdirectory: ${d}/config
partition-default: ${d}/spool
servername: ${SECOND_HOST}
allowplaintext: no
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: ${sasldb}
sasl_mech_list: PLAIN LOGIN
tls_server_cert: ${certFile}
tls_server_key: ${keyFile}
failedloginpause: 0
autocreate_quota: 0
autocreate_post: 1
# The older layout many Cyrus hosts keep: personal folders under INBOX, "." between levels
# (INBOX.Sent Messages), with RFC 6154 special-use folders made with the INBOX (SECOND_SPECIAL_USE).
altnamespace: 0
unixhierarchysep: 0
autocreate_inbox_folders: ${Object.values(SECOND_SPECIAL_USE).join(' | ')}
autocreate_subscribe_folders: ${Object.values(SECOND_SPECIAL_USE).join(' | ')}
${Object.entries(SECOND_SPECIAL_USE)
  .map(([role, name]) => `xlist-${role}: ${name}`)
  .join('\n')}
syslog_prefix: bench-cyrus
`
  )
  const cmd = (prog: string, extra = ''): string => `cmd="${prog} -C ${conf}${extra}"`
  await writeFile(
    join(d, 'cyrus.conf'),
    `START {
  recover ${cmd(`${CYRUS_BIN}/ctl_cyrusdb`, ' -r')}
}
SERVICES {
  imap ${cmd(`${bin}/imapd`)} listen="${o.address}:${PORTS.imap}" prefork=0
  imaps ${cmd(`${bin}/imapd`, ' -s')} listen="${o.address}:${PORTS.imaps}" prefork=0
  pop3 ${cmd(`${bin}/pop3d`)} listen="${o.address}:${PORTS.pop3}" prefork=0
  pop3s ${cmd(`${bin}/pop3d`, ' -s')} listen="${o.address}:${PORTS.pop3s}" prefork=0
  lmtpunix ${cmd(`${CYRUS_BIN}/lmtpd`)} listen="${lmtpSocket}" prefork=0
}
EVENTS {
}
`
  )
  const cyrus = await uidOf('cyrus')
  spawnSync('chown', ['-R', `${cyrus.uid}:${cyrus.gid}`, d])
  await chmod(d, 0o755)

  const log = join(d, 'cyrus.log')
  const stops: Array<() => Promise<void>> = []
  try {
    await runCyrus(d, dev, conf, log, o.address, stops)
  } catch (err) {
    for (const fn of stops) await fn().catch(() => undefined)
    throw err
  }
  return { log, stops }
}

async function runCyrus(
  d: string,
  dev: string,
  conf: string,
  log: string,
  address: string,
  stops: Array<() => Promise<void>>
): Promise<void> {
  const syslog = spawn('python3', [join(import.meta.dirname, 'syslog.py'), join(dev, 'log'), log], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  stops.push(stopper(syslog))
  await new Promise<void>((resolve, reject) => {
    syslog.once('error', reject)
    syslog.once('exit', (code) => reject(new Error(`syslog.py exited ${code}`)))
    syslog.stdout!.once('data', () => resolve())
  })
  // In a private mount namespace: the bench's dev folder (the log socket plus the real null,
  // zero and random devices) over /dev, then Cyrus's master in the foreground.
  const script = `set -e
for n in null zero random urandom; do touch ${dev}/$n; mount --bind /dev/$n ${dev}/$n; done
mount --rbind ${dev} /dev
exec ${CYRUS_BIN}/master -C ${conf} -M ${join(d, 'cyrus.conf')} -p ${join(d, 'master.pid')} -D`
  // Its own process group: Cyrus's master signals its whole group when it shuts down, which took
  // down every other bench's Cyrus started by the same test process (two worlds at once).
  const master = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true
  })
  let stderr = ''
  master.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
  stops.unshift(stopper(master))
  await waitListening(address, PORTS.imaps, master, 'cyrus master', () => `${stderr.trim()} ${log}`)
}

const QUEUE_DIRS = [
  'active',
  'bounce',
  'corrupt',
  'defer',
  'deferred',
  'flush',
  'hold',
  'incoming',
  'private',
  'saved',
  'trace'
]

async function startPostfix(
  o: SecondOptions,
  lmtpSocket: string
): Promise<{ log: string; stops: Array<() => Promise<void>> }> {
  const d = join(o.dir, 'postfix')
  const conf = join(d, 'conf')
  const queue = join(d, 'queue')
  const data = join(d, 'data')
  const log = join(d, 'postfix.log')
  const postfix = await uidOf('postfix')
  const postdrop = Number(spawnSync('getent', ['group', 'postdrop'], { encoding: 'utf8' }).stdout.split(':')[2])
  await mkdir(join(conf, 'sasl'), { recursive: true })
  await mkdir(data, { recursive: true })
  await chown(data, postfix.uid, postfix.gid)
  await mkdir(queue, { recursive: true })
  await chmod(queue, 0o755)
  for (const q of QUEUE_DIRS) {
    await mkdir(join(queue, q), { recursive: true, mode: 0o700 })
    await chown(join(queue, q), postfix.uid, 0)
  }
  await mkdir(join(queue, 'pid'), { recursive: true })
  await mkdir(join(queue, 'maildrop'), { recursive: true })
  await chown(join(queue, 'maildrop'), postfix.uid, postdrop)
  await chmod(join(queue, 'maildrop'), 0o730)
  await mkdir(join(queue, 'public'), { recursive: true })
  await chown(join(queue, 'public'), postfix.uid, postdrop)
  await chmod(join(queue, 'public'), 0o710)

  // Debian's Postfix reads <config_directory>/sasl/smtpd.conf.
  const sasldb = join(conf, 'sasl', 'sasldb2')
  for (const u of o.users) saslUser(sasldb, SECOND_HOST, u.login, u.password)
  await chown(sasldb, postfix.uid, 0)
  await writeFile(
    join(conf, 'sasl', 'smtpd.conf'),
    `pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: ${sasldb}\n`
  )
  await writeFile(
    join(conf, 'main.cf'),
    `# Mail Setup second bench (generated)
compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
mail_owner = postfix
setgid_group = postdrop
myhostname = ${SECOND_HOST}
mydomain = ${SECOND_DOMAIN}
myorigin = ${SECOND_DOMAIN}
mydestination =
inet_interfaces = all
inet_protocols = ipv4
maillog_file = ${log}
maillog_file_prefixes = ${d}
smtpd_banner = $myhostname ESMTP Postfix
virtual_mailbox_domains = ${SECOND_DOMAIN} ${GUESSED_DOMAIN}
virtual_transport = lmtp:unix:${lmtpSocket}
smtpd_tls_cert_file = ${o.certFile}
smtpd_tls_key_file = ${o.keyFile}
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = ${SECOND_HOST}
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_error_sleep_time = 0
alias_maps =
alias_database =
local_recipient_maps =
biff = no
`
  )
  // Each listener on the bench address only (inet_interfaces would insist on an interface address).
  const a = o.address
  // anvil counts AUTH commands per listener and client; 127.0.0.0/8 is exempt unless the
  // exceptions are emptied. The second AUTH within a minute gets "450 4.7.1 Error: too many AUTH
  // commands from …".
  const limited = o.limitedAddress
  const rateLimit = `
  -o syslog_name=postfix/limited
  -o smtpd_client_auth_rate_limit=1
  -o smtpd_client_event_limit_exceptions=`
  await writeFile(
    join(conf, 'master.cf'),
    `${a}:submission inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
${a}:submissions inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
${o.port25Address}:smtp inet n - n - - smtpd
  -o syslog_name=postfix/port25
  -o smtpd_tls_security_level=may
${limited}:submission inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt${rateLimit}
${limited}:submissions inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes${rateLimit}
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`
  )
  // Postfix waits for a main.cf younger than a second or two to settle (300 ms at a time): date them back.
  const past = new Date(Date.now() - 60_000)
  for (const f of ['main.cf', 'master.cf']) await utimes(join(conf, f), past, past)
  // Its own process group, like Cyrus's master: a master's shutdown signals its group.
  const master = spawn('/usr/lib/postfix/sbin/master', ['-c', conf, '-s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true
  })
  let stderr = ''
  master.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
  await waitListening(a, PORTS.submission, master, 'postfix master', () => `${stderr.trim()} ${log}`)
  return { log, stops: [stopper(master)] }
}

export async function startSecondBench(o: SecondOptions): Promise<SecondBench> {
  await mkdir(o.dir, { recursive: true })
  await chmod(o.dir, 0o755)
  const lmtpSocket = join(o.dir, 'cyrus', 'socket', 'lmtp')
  const stops: Array<() => Promise<void>> = []
  const stop = async (): Promise<void> => {
    for (const fn of stops.splice(0)) await fn().catch(() => undefined)
  }
  try {
    const started = await Promise.allSettled([startPostfix(o, lmtpSocket), startCyrus(o, lmtpSocket)])
    for (const s of started) if (s.status === 'fulfilled') stops.push(...s.value.stops)
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) throw failed.reason
    const [postfix, cyrus] = started.map((s) => (s as PromiseFulfilledResult<{ log: string }>).value)
    return { cyrusLog: cyrus!.log, postfixLog: postfix!.log, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
