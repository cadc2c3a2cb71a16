// The test bench: a real Dovecot behind a test CA, an SMTP relay sink delivering into it,
// a DNS server for bench.test, an autoconfig folder and a Secret Service, for one test run.
// All state lives in one temp folder; each host has its own loopback address and standard ports.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allocLoopback } from './addresses'
import { createCa, openCa, type TestCa } from './ca'
import { startDnsServer, type DnsServer, type Zone } from './dns'
import { PORTS, startDovecot } from './dovecot'
import { writeIspDir } from './isp'
import {
  KEYRING_CONTROL_ENV,
  KEYRING_PASSWORD_ENV,
  keyringAvailable,
  startSessionKeyring,
  type SessionKeyring
} from './keyring'
import { readSinkDir, startSink, type Sink, type SinkMessage } from './sink'
import { GUESSED_DOMAIN, LIMITED_HOST, PORT25_DOMAIN, SECOND_DOMAIN, SECOND_HOST, startSecondBench } from './second'

export { allocLoopback } from './addresses'
export { openCa, type IssueOptions, type IssuedCert, type TestCa } from './ca'
export { startDnsServer, type DnsFault, type DnsServer, type RecordType, type Zone } from './dns'
export {
  envWithoutKeyring,
  KEYRING_CONTROL_ENV,
  KEYRING_PASSWORD_ENV,
  keyringAvailable,
  keyringLocked,
  lockKeyring,
  unlockKeyring
} from './keyring'
export { benchAutoconfig } from './isp'
export { PORTS, SPECIAL_USE, startDovecot } from './dovecot'
export type { SinkMessage } from './sink'

export const BENCH_DOMAIN = 'bench.test'
export const MAIL_HOST = `mail.${BENCH_DOMAIN}`
export const KEYCHAIN_SERVICE = 'Mail Setup Test'
/** A domain with only an address record for itself: no settings published, no mail service. */
export const NO_MAIL_DOMAIN = 'nomail.test'
export { GUESSED_DOMAIN, LIMITED_HOST, PORT25_DOMAIN, SECOND_DOMAIN, SECOND_HOST, SECOND_SPECIAL_USE } from './second'

export interface BenchUser {
  /** Also the login name. */
  address: string
  password: string
  /** Another login name with the same password (alice's SMTP username in two-username accounts). */
  login?: string
}

export interface MailboxMessage {
  file: string
  raw: string
  subject?: string
  messageId?: string
}

/** What tests get from inject('bench'): plain data, no functions. */
export interface BenchInfo {
  domain: string
  dir: string
  /** mail.bench.test (imap./pop./smtp. are the same address). */
  mailHost: string
  mailAddress: string
  /** host name → IPv4 address. */
  hosts: Record<string, string>
  ports: typeof PORTS
  users: { alice: BenchUser; bob: BenchUser }
  /** Environment for the app's services (merge into process.env or pass to loadConfig). */
  env: Record<string, string>
  ca: { file: string; certPem: string; dir: string }
  dns: { server: string }
  ispDir: string
  mailRoot: string
  sink: { host: string; port: number; dir: string }
  dovecot: { conf: string; log: string }
  /**
   * The second implementation (test/world/second.ts): Cyrus IMAP/POP3 and Postfix submission on
   * their own address, signing users in by the local part. other.test publishes SRV records for
   * it; guessed.test publishes only the usual host names; both reach the same mailboxes.
   */
  second: {
    domain: string
    guessedDomain: string
    host: string
    address: string
    /** carol@other.test signs in as "carol". */
    users: { carol: BenchUser & { login: string } }
    cyrusLog: string
    postfixLog: string
    /** port25.test: imap. is Cyrus; smtp. is Postfix on port 25 only (STARTTLS, AUTH). */
    port25Domain: string
    port25Address: string
    /** smtp.limited.test: Postfix on 587 and 465 allowing one AUTH command a minute. */
    limitedHost: string
    limitedAddress: string
  }
  /** nomail.test: an A record (to an address where nothing listens) and nothing else. */
  noMailDomain: string
}

export interface Bench extends Omit<BenchInfo, 'ca' | 'dns' | 'sink'> {
  ca: TestCa
  dns: DnsServer
  sink: Sink
  mailbox(user: string): Promise<MailboxMessage[]>
  info: BenchInfo
  stop(): Promise<void>
}

const header = (raw: string, name: string): string | undefined =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im')
    .exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1]
    ?.replace(/\r?\n[ \t]+/g, ' ')
    .trim()

/** Messages delivered to `user` ("alice" or a full address), oldest first, read from the maildir. */
export async function readMailbox(mailRoot: string, user: string): Promise<MailboxMessage[]> {
  const [local, domain = BENCH_DOMAIN] = user.split('@') as [string, string?]
  const maildir = join(mailRoot, domain, local, 'Maildir')
  // Dovecot renames files (new → cur, flag changes) and deletes them while we read; a pass
  // that saw a file vanish is read again, so the result is one consistent listing.
  for (let pass = 0; ; pass++) {
    const out: Array<MailboxMessage & { time: number }> = []
    let vanished = false
    for (const sub of ['new', 'cur']) {
      let names: string[] = []
      try {
        names = await readdir(join(maildir, sub))
      } catch {
        continue // not created until the first delivery
      }
      for (const name of names) {
        const file = join(maildir, sub, name)
        const raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err
          vanished = true
          return undefined
        })
        if (raw !== undefined)
          out.push({
            file,
            raw,
            subject: header(raw, 'Subject'),
            messageId: header(raw, 'Message-ID'),
            time: parseInt(name) || 0
          })
      }
    }
    if (!vanished || pass >= 4) {
      out.sort((a, b) => a.time - b.time || a.file.localeCompare(b.file))
      return out.map(({ time: _time, ...m }) => m)
    }
  }
}

/** The relay sink's messages, from any process. */
export function readSinkMessages(info: BenchInfo): Promise<SinkMessage[]> {
  return readSinkDir(info.sink.dir)
}

/** The bench CA with issueCert, from a test worker. */
export function benchCa(info: BenchInfo): Promise<TestCa> {
  return openCa(info.ca.dir)
}

function benchZone(
  mailAddress: string,
  secondAddress: string,
  nowhere: string,
  port25Address: string,
  limitedAddress: string
): Zone {
  const d = BENCH_DOMAIN
  const srv = (port: number, target = MAIL_HOST) => ({ SRV: [{ target, port, priority: 0, weight: 1 }] })
  const o = SECOND_DOMAIN
  const g = GUESSED_DOMAIN
  return {
    [o]: { MX: [{ exchange: SECOND_HOST, priority: 10 }] },
    [SECOND_HOST]: { A: [secondAddress] },
    [`_imaps._tcp.${o}`]: srv(PORTS.imaps, SECOND_HOST),
    [`_imap._tcp.${o}`]: srv(PORTS.imap, SECOND_HOST),
    [`_pop3s._tcp.${o}`]: srv(PORTS.pop3s, SECOND_HOST),
    [`_submission._tcp.${o}`]: srv(PORTS.submission, SECOND_HOST),
    [`imap.${g}`]: { A: [secondAddress] },
    [`pop.${g}`]: { A: [secondAddress] },
    [`smtp.${g}`]: { A: [secondAddress] },
    [`imap.${PORT25_DOMAIN}`]: { A: [secondAddress] },
    [`smtp.${PORT25_DOMAIN}`]: { A: [port25Address] },
    [LIMITED_HOST]: { A: [limitedAddress] },
    [NO_MAIL_DOMAIN]: { A: [nowhere] },
    [d]: { MX: [{ exchange: MAIL_HOST, priority: 10 }], TXT: ['v=spf1 -all'] },
    [MAIL_HOST]: { A: [mailAddress] },
    [`imap.${d}`]: { A: [mailAddress] },
    [`pop.${d}`]: { A: [mailAddress] },
    [`smtp.${d}`]: { A: [mailAddress] },
    [`_imaps._tcp.${d}`]: srv(PORTS.imaps),
    [`_imap._tcp.${d}`]: srv(PORTS.imap),
    [`_pop3s._tcp.${d}`]: srv(PORTS.pop3s),
    [`_pop3._tcp.${d}`]: srv(PORTS.pop3),
    [`_submissions._tcp.${d}`]: srv(PORTS.submissions),
    [`_submission._tcp.${d}`]: srv(PORTS.submission)
  }
}

const secret = (): string => randomBytes(12).toString('base64url')

export async function startBench(): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-setup-bench-'))
  // Dovecot's mail processes (uid 65534) must reach the maildirs below.
  await chmod(dir, 0o755)
  const stops: Array<() => Promise<void>> = []
  const stop = async (): Promise<void> => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined)
    stops.length = 0
    // MAIL_SETUP_BENCH_KEEP=1 keeps the folder (logs, maildirs, configs) for debugging.
    if (process.env.MAIL_SETUP_BENCH_KEEP !== '1') await rm(dir, { recursive: true, force: true })
  }
  try {
    const mailAddress = allocLoopback()
    const names = [MAIL_HOST, `imap.${BENCH_DOMAIN}`, `pop.${BENCH_DOMAIN}`, `smtp.${BENCH_DOMAIN}`]
    const hosts = Object.fromEntries(names.map((n) => [n, mailAddress]))

    const ca = await createCa(join(dir, 'pki'))
    const serverCert = await ca.issueCert(names)
    const secondAddress = allocLoopback()
    const port25Address = allocLoopback()
    const limitedAddress = allocLoopback()
    const secondNames = [
      SECOND_HOST,
      ...['imap', 'pop', 'smtp'].map((p) => `${p}.${GUESSED_DOMAIN}`),
      `imap.${PORT25_DOMAIN}`,
      `smtp.${PORT25_DOMAIN}`,
      LIMITED_HOST
    ]
    const secondCert = await ca.issueCert(secondNames)
    const carol = { address: `carol@${SECOND_DOMAIN}`, login: 'carol', password: secret() }
    // Started now, waited for after Dovecot: the two start in parallel.
    const secondStarting = startSecondBench({
      dir: join(dir, 'second'),
      address: secondAddress,
      port25Address,
      limitedAddress,
      certFile: secondCert.certFile,
      keyFile: secondCert.keyFile,
      users: [carol]
    })
    stops.push(async () => (await secondStarting.catch(() => undefined))?.stop())

    const savedEnv = { ...process.env }
    let keyring: SessionKeyring | undefined
    // Reuse the runner's throwaway keyring; never a developer's real one.
    if (!(process.env[KEYRING_PASSWORD_ENV] !== undefined && (await keyringAvailable()))) {
      keyring = await startSessionKeyring(join(dir, 'keyring'), secret())
    }
    stops.push(async () => {
      await keyring?.stop()
      for (const k of ['DBUS_SESSION_BUS_ADDRESS', KEYRING_PASSWORD_ENV, KEYRING_CONTROL_ENV]) {
        if (savedEnv[k] === undefined) delete process.env[k]
        else process.env[k] = savedEnv[k]
      }
    })

    const users: { alice: BenchUser; bob: BenchUser } = {
      alice: { address: `alice@${BENCH_DOMAIN}`, password: secret(), login: 'alice' },
      bob: { address: `bob@${BENCH_DOMAIN}`, password: secret() }
    }
    let dovecotConf = ''
    const sink = await startSink({ address: allocLoopback(), dir: join(dir, 'sink'), dovecotConf: () => dovecotConf })
    stops.push(sink.stop)
    const dovecot = await startDovecot({
      dir: join(dir, 'dovecot'),
      address: mailAddress,
      hostname: MAIL_HOST,
      certFile: serverCert.certFile,
      keyFile: serverCert.keyFile,
      users: Object.values(users).map((u) => ({ ...u, logins: u.login ? [u.login] : [] })),
      relay: { host: sink.host, port: sink.port }
    })
    dovecotConf = dovecot.conf
    stops.push(dovecot.stop)
    const second = await secondStarting

    const dns = await startDnsServer(
      benchZone(mailAddress, secondAddress, allocLoopback(), port25Address, limitedAddress)
    )
    stops.push(dns.stop)

    const ispDir = await writeIspDir(join(dir, 'isp'), BENCH_DOMAIN, MAIL_HOST)
    const userData = join(dir, 'user-data')
    await mkdir(userData, { recursive: true })

    const info: BenchInfo = {
      domain: BENCH_DOMAIN,
      dir,
      mailHost: MAIL_HOST,
      mailAddress,
      hosts,
      ports: PORTS,
      users,
      env: {
        MAIL_SETUP_DNS: dns.server,
        MAIL_SETUP_EXTRA_CA: ca.file,
        MAIL_SETUP_ISP_DIRS: ispDir,
        MAIL_SETUP_USER_DATA: userData,
        MAIL_SETUP_KEYCHAIN_SERVICE: KEYCHAIN_SERVICE
      },
      ca: { file: ca.file, certPem: ca.certPem, dir: ca.dir },
      dns: { server: dns.server },
      ispDir,
      mailRoot: dovecot.mailRoot,
      sink: { host: sink.host, port: sink.port, dir: sink.dir },
      dovecot: { conf: dovecot.conf, log: dovecot.logFile },
      second: {
        domain: SECOND_DOMAIN,
        guessedDomain: GUESSED_DOMAIN,
        host: SECOND_HOST,
        address: secondAddress,
        users: { carol },
        cyrusLog: second.cyrusLog,
        postfixLog: second.postfixLog,
        port25Domain: PORT25_DOMAIN,
        port25Address,
        limitedHost: LIMITED_HOST,
        limitedAddress
      },
      noMailDomain: NO_MAIL_DOMAIN
    }
    return {
      ...info,
      ca,
      dns,
      sink,
      info,
      mailbox: (user) => readMailbox(dovecot.mailRoot, user),
      stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}
