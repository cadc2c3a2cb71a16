// One probe of one host:port, step by step: DNS → TCP → TLS or STARTTLS → certificate →
// greeting → capabilities → sign-in. The protocol modules supply the conversation; this
// module enforces the order and the security rules the same way for all three.
import type { Socket } from 'node:net'
import type { Diagnosis } from '../../shared/diagnosis'
import { SignInGate } from './signin-gate'
import { usernameForms } from './username-forms'
import type { ServerSettings } from '../../shared/domain'
import type { TLSSocket } from 'node:tls'
import type { CertificateInfo, HostException, Probe } from '../../shared/verify'
import type { Dns } from '../net/dns'
import type { TlsVersion } from '../net/trust'
import { fail, toDiagnosis } from '../errors'
import { diagnose as build } from '../../shared/diagnosis-catalog'
import { offersOAuth, onlyOAuth } from '../diagnosis/classify'
import { scramMechanism } from './sasl'
import { connectTcp, resolveHost } from './connect'
import { LineSocket } from './lines'
import { ProbeRecorder } from './recorder'
import { checkCertificate, handshake, type CertificateCheck } from './tls'
import type { Timing } from './timing'
import type { Secret } from './secret'
import { checkUsername } from './arguments'
import type { WarmConnection } from './warm'

export interface Capabilities {
  list: string[]
  /** SASL mechanisms offered. */
  mechanisms: string[]
  starttls: boolean
  /** IMAP LOGINDISABLED, or POP3 without USER and without a password mechanism. */
  passwordCommandDisabled?: boolean
}

export interface LoginArgs {
  settings: ServerSettings
  /** The address the TCP step connected to (the round trip's libraries connect there too). */
  ip: string
  secret: Secret
  caps: Capabilities
  ca: string[]
  /** The TLS floor the probe's handshake had; the round trip's library connections are held to it too. */
  minTls: TlsVersion | undefined
  cert?: CertificateCheck
  io: LineSocket
  rec: ProbeRecorder
  timing: Timing
  signal: AbortSignal
  /** Called once the server has taken the credentials, before what the sign-in does after (signin-gate.ts). */
  accepted?: () => void
  /** Runs in the signed-in session before it ends (POP3 round trip: find and delete the test message). */
  after?: (io: LineSocket, signal: AbortSignal) => Promise<void>
}

export interface Driver {
  protocol: 'imap' | 'pop3' | 'smtp'
  greeting(io: LineSocket, signal: AbortSignal): Promise<string>
  capabilities(io: LineSocket, signal: AbortSignal): Promise<Capabilities>
  /** Sends STARTTLS/STLS and reads the go-ahead; fails 'starttls-failed' otherwise. */
  startTls(io: LineSocket, signal: AbortSignal): Promise<void>
  /** Signs in on `io`, the verified connection; returns a short info string. */
  login(args: LoginArgs): Promise<string>
  /** Ends the probe's own session politely (LOGOUT/QUIT), without waiting long. */
  goodbye(io: LineSocket): void
}

export interface ProbeInput {
  id: string
  role: Probe['role']
  settings: ServerSettings
  secret: Secret
  exception?: HostException
  dns: Dns
  ca: string[]
  /**
   * The lowest TLS version accepted (an organisation's policy may raise it to TLS 1.3). Named by
   * every caller, even as undefined (TLS 1.2): a connection that forgets the floor does not compile.
   */
  minTls: TlsVersion | undefined
  timing: Timing
  signal: AbortSignal
  onProbe(probe: Probe): void
  /** The check's lockout bookkeeping; without it (the round trip) only the given user name is used. */
  gate?: SignInGate
  /**
   * Waits until this probe may send credentials (scheduler.ts: one sign-in at a time per list);
   * rejects when its sign-in is no longer needed. Resolves to the ms it waited.
   */
  signInTurn?: () => Promise<number>
  /** The address being set up: the source of the other user name forms. */
  address?: string
  after?: LoginArgs['after']
  /** This server's connection, opened without credentials while the search ran (warm.ts). */
  warm?: WarmConnection
}

export interface ProbeOutcome {
  probe: Probe
  ip?: string
  cert?: CertificateCheck
}

/** A connection brought up to its sign-in: what the steps before any credential found. */
export interface Opened {
  io: LineSocket
  ip: string
  cert?: CertificateCheck
  caps: Capabilities
  greeting: string
}

/** What the steps before the sign-in need: no secret, no user name. */
export type OpenInput = Pick<ProbeInput, 'settings' | 'exception' | 'dns' | 'ca' | 'minTls' | 'timing'>

/** The address and certificate met on the way, kept as evidence even when a later step fails. */
export interface Seen {
  ip?: string
  cert?: CertificateCheck
}

/**
 * DNS → TCP → TLS or STARTTLS → certificate → greeting → capabilities, recorded in `rec`: every
 * step a probe takes before it may send a credential. On failure the connection is closed.
 * Also run ahead of the check, while the search is still going (warm.ts).
 */
export async function openConnection(
  driver: Driver,
  input: OpenInput,
  rec: ProbeRecorder,
  signal: AbortSignal,
  seen: Seen
): Promise<Opened> {
  const { settings, timing: t } = input
  let io: LineSocket | undefined
  const certStep = async (sock: TLSSocket): Promise<void> => {
    const check = async (): Promise<CertificateCheck> => {
      try {
        return checkCertificate(sock, settings.host, input.exception, new Date(), input.ca)
      } catch (err) {
        // The certificate is evidence even when (especially when) it is refused.
        const info = (err as { certificate?: CertificateInfo }).certificate
        if (info) rec.probe.certificate = info
        sock.destroy()
        throw err
      }
    }
    seen.cert = await rec.step('certificate', t.tlsMs, signal, check, (c) =>
      c.info.trustedByUser
        ? `trusted by you: ${c.info.fingerprint256}`
        : `${c.info.subject}; ${c.info.tlsVersion ?? ''}`
    )
    rec.probe.certificate = seen.cert.info
  }
  try {
    rec.line('i', `${settings.protocol} ${settings.host}:${settings.port} ${settings.security}`)
    const addresses = await rec.step(
      'dns',
      t.dnsMs,
      signal,
      (s) => resolveHost(input.dns, settings.host, s),
      (a) => a.map((x) => x.address).join(' ')
    )
    const raw: Socket = await rec.step(
      'tcp',
      t.tcpMs,
      signal,
      (s) => connectTcp(addresses, settings.port, t.eyeballsMs, s),
      (sock) => `${sock.remoteAddress}`
    )
    const ip = raw.remoteAddress!
    seen.ip = ip
    rec.line('i', `connected to ${ip} port ${settings.port}`)
    // The server's first bytes (TLS handshake or greeting): shown as "not answering yet" after
    // quietMs, given up after their deadline, or 10 round trips of this link if that is longer.
    const rtt = rec.probe.steps.find((x) => x.name === 'tcp')?.ms ?? 0
    const firstBytes = (ms: number): number => Math.max(ms, 10 * rtt)
    let caps: Capabilities
    let greeting = ''
    if (settings.security === 'tls') {
      const sock = await rec.step(
        'tls',
        firstBytes(t.tlsMs),
        signal,
        (s) => handshake(raw, settings.host, input.ca, s, input.minTls),
        (x) => x.getProtocol() ?? '',
        t.quietMs
      )
      await certStep(sock)
      io = new LineSocket(sock, rec)
      const conn = io
      greeting = await rec.step(
        'greeting',
        firstBytes(t.greetingMs),
        signal,
        (s) => driver.greeting(conn, s),
        undefined,
        t.quietMs
      )
      caps = await rec.step('capabilities', t.commandMs, signal, (s) => driver.capabilities(conn, s), summary)
    } else {
      io = new LineSocket(raw, rec)
      const plain = io
      greeting = await rec.step(
        'greeting',
        firstBytes(t.greetingMs),
        signal,
        (s) => driver.greeting(plain, s),
        undefined,
        t.quietMs
      )
      if (settings.security === 'starttls') {
        const sock = await rec.step(
          'tls',
          t.tlsMs + t.commandMs,
          signal,
          async (s) => {
            const before = await driver.capabilities(plain, s)
            if (!before.starttls) {
              fail('starttls-missing', {
                detail: 'the server did not offer STARTTLS; someone may be removing it from the connection'
              })
            }
            await driver.startTls(plain, s)
            // Anything sent before the handshake could be an injected command (CVE-2011-0411 kind).
            if (plain.pending()) fail('starttls-failed', { detail: 'the server sent data before the TLS handshake' })
            try {
              return await handshake(plain.detach(), settings.host, input.ca, s, input.minTls)
            } catch (err) {
              if (s.aborted) throw err
              // Cut off mid-way, or not TLS at all, keep their own headlines; the rest is STARTTLS failing.
              const d = toDiagnosis(err)
              return fail(d.code === 'tls-failed' ? 'starttls-failed' : d.code, { detail: d.detail })
            }
          },
          (x) => `STARTTLS, ${x.getProtocol() ?? ''}`
        )
        await certStep(sock)
        io = new LineSocket(sock, rec)
        const conn = io
        caps = await rec.step('capabilities', t.commandMs, signal, (s) => driver.capabilities(conn, s), summary)
      } else {
        rec.skip('tls', 'plain')
        rec.skip('certificate', 'plain')
        caps = await rec.step('capabilities', t.commandMs, signal, (s) => driver.capabilities(plain, s), summary)
      }
    }
    rec.probe.capabilities = caps.list.slice(0, 200).map((c) => c.slice(0, 200))
    rec.probe.authMechanisms = caps.mechanisms.slice(0, 64)
    return { io, ip, cert: seen.cert, caps, greeting }
  } catch (err) {
    io?.close()
    throw err
  }
}

export async function runProbe(driver: Driver, input: ProbeInput): Promise<ProbeOutcome> {
  const { settings, timing: t, signal, warm } = input
  // A connection opened while the search ran (warm.ts) carries its record so far: the steps it
  // took, from when it took them, become this probe's.
  const record = warm
    ? warm.adopt(input.id, input.role, settings, input.onProbe)
    : new ProbeRecorder(input.id, input.role, settings, input.onProbe)
  const seen: Seen = warm?.seen ?? {}
  let io: LineSocket | undefined
  try {
    let opened = warm ? await warm.ready(signal) : await openConnection(driver, input, record, signal, seen)
    io = opened.io

    const secret = input.secret
    if (secret.kind === 'none' || settings.auth.every((a) => a === 'none' || a === 'client-ip')) {
      record.skip('auth', secret.kind === 'none' ? 'not requested' : 'no sign-in needed')
      driver.goodbye(io)
      return { probe: record.finish('ok'), ip: opened.ip, cert: opened.cert }
    }
    if (input.signInTurn) {
      const waited = await input.signInTurn()
      if (waited >= 1)
        record.line('i', `waited ${Math.round(waited)} ms for its turn to sign in (one server of a list at a time)`)
    }
    // A connection opened ahead may have been closed by the server (or spoken unasked) while it
    // was held and while it waited for its turn: a new one, through the same steps.
    if (warm && !io.reusable()) {
      record.line('i', 'the connection opened ahead was closed or spoke unasked before the sign-in; connecting again')
      io.close()
      io = undefined
      opened = await openConnection(driver, input, record, signal, seen)
      io = opened.io
    }
    const { caps, greeting, ip, cert } = opened
    const session = io
    const args: LoginArgs = {
      settings,
      ip,
      secret,
      caps,
      ca: input.ca,
      minTls: input.minTls,
      cert,
      io: session,
      rec: record,
      timing: t,
      signal,
      after: input.after
    }
    const login = async (s: AbortSignal): Promise<string> => {
      checkAuthAllowed(settings, secret, caps, input.exception)
      const forms =
        secret.kind === 'password'
          ? usernameForms(settings, input.address, greeting)
          : usernameForms(settings, undefined)
      const attempt = (username: string, accepted?: () => void): Promise<string> =>
        driver.login({ ...args, settings: { ...settings, username }, signal: s, accepted })
      if (!input.gate) return attempt(settings.username)
      const server = { protocol: settings.protocol, ip, fingerprint: cert?.info.fingerprint256, host: settings.host }
      const done = await input.gate.signIn(server, forms, attempt)
      // The form that worked is what the account, the exports and the card carry from now on.
      const { usernameGuessed: _guessed, ...proven } = settings
      record.probe.settings = { ...proven, username: done.form.username }
      if (secret.kind === 'password') record.probe.usernameForm = done.form.form
      return done.info
    }
    // The username is evidence (which form the server refused); only the secret is masked.
    record.line('i', `signing in as ${settings.username}`)
    await record.step('auth', t.authMs, signal, login, (x) => x)
    driver.goodbye(io)
    return { probe: record.finish('ok'), ip, cert }
  } catch (err) {
    const raw = toDiagnosis(err)
    // A token the mail server turns down is not a wrong password: the fix is signing in again.
    const d: Diagnosis =
      input.secret.kind === 'oauth2' && raw.code === 'auth-failed' ? { ...raw, code: 'oauth-token-refused' } : raw
    const diagnosis = build(d.code, {
      ...d,
      protocol: d.protocol ?? settings.protocol,
      host: d.host ?? settings.host,
      port: d.port ?? settings.port,
      params: {
        host: settings.host,
        port: String(settings.port),
        protocol: settings.protocol.toUpperCase(),
        usernames: settings.username,
        ...(d.params ?? {})
      }
    })
    return { probe: record.finish(signal.aborted ? 'cancelled' : 'failed', diagnosis), ip: seen.ip, cert: seen.cert }
  } finally {
    io?.close()
  }
}

function summary(c: Capabilities): string {
  return c.mechanisms.length ? `AUTH ${c.mechanisms.join(' ')}` : c.list.slice(0, 12).join(' ')
}

/** The security rules, before a single credential byte is sent. */
function checkAuthAllowed(
  settings: ServerSettings,
  secret: Secret,
  caps: Capabilities,
  exception?: HostException
): void {
  checkUsername(settings.username)
  if (settings.security === 'plain' && !exception?.allowPlaintext) {
    fail('plaintext-refused', {
      detail: caps.starttls
        ? 'the connection is not encrypted; the server offers STARTTLS'
        : 'the connection is not encrypted'
    })
  }
  if (secret.kind === 'password') {
    if (onlyOAuth(caps.mechanisms)) {
      fail('oauth-required', { detail: `the server offers only ${caps.mechanisms.join(', ')} for sign-in` })
    }
    const saslPassword =
      caps.mechanisms.some((m) => /^(PLAIN|LOGIN)$/i.test(m)) || scramMechanism(settings.auth, caps.mechanisms)
    if (caps.passwordCommandDisabled && !saslPassword) {
      fail(offersOAuth(caps.mechanisms) ? 'oauth-required' : 'auth-mechanism-unsupported', {
        detail: 'the server does not accept a password here'
      })
    }
  }
  if (secret.kind === 'oauth2' && !offersOAuth(caps.mechanisms)) {
    fail('auth-mechanism-unsupported', { detail: 'the server offers no OAuth2 sign-in (XOAUTH2 or OAUTHBEARER)' })
  }
}
