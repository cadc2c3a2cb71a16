// SMTP: our own greeting, EHLO, STARTTLS and sign-in, all on the probe's own connection, so
// the certificate just checked carries the password. nodemailer stays for the round trip's
// sending, on its own connection held to the same address and certificate.
import { hostname } from 'node:os'
import type nodemailer from 'nodemailer'
import { fail } from '../errors'
import { registerSecret } from '../redact'
import { b64, HIDDEN, oauthPayload, plain, scramMechanism, scramSha256, type SaslStep } from './sasl'
import { classifySmtp, greetingProtocol, parseSmtpReply } from '../diagnosis/classify'
import { readReply, type LineSocket } from './lines'
import type { ProbeRecorder } from './recorder'
import type { Capabilities, Driver, LoginArgs } from './session'
import type { Secret } from './secret'
import { strictTlsOptions } from './tls'

/** The EHLO name: the machine's name when it is a full domain name, else an address literal. */
export function ehloName(): string {
  const h = hostname()
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(h) ? h : '[127.0.0.1]'
}

interface SmtpAnswer {
  code: number
  lines: string[]
  text: string
}

async function reply(io: LineSocket, signal: AbortSignal): Promise<SmtpAnswer> {
  const lines = await readReply(io, signal, (l) => !/^\d{3}-/.test(l))
  const last = lines[lines.length - 1]!
  if (!/^\d{3}( |$)/.test(last)) fail('protocol-error', { serverSays: last, detail: 'not an SMTP reply' })
  return { code: Number(last.slice(0, 3)), lines, text: lines.join('\n') }
}

export function parseEhlo(lines: string[]): Capabilities {
  const list = lines
    .slice(1)
    .map((l) => l.slice(4).trim())
    .filter(Boolean)
  const mechanisms = new Set<string>()
  for (const c of list) {
    const m = /^AUTH[ =](.*)$/i.exec(c)
    if (m) for (const x of m[1]!.trim().split(/\s+/)) mechanisms.add(x.toUpperCase())
  }
  return { list, mechanisms: [...mechanisms], starttls: list.some((c) => /^STARTTLS$/i.test(c)) }
}

export const smtpDriver: Driver = {
  protocol: 'smtp',
  async greeting(io, signal) {
    const first = await io.readLine(signal)
    if (!/^\d{3}[ -]/.test(first)) {
      const other = greetingProtocol(first)
      if (other && other !== 'smtp')
        fail('not-this-protocol', { serverSays: first, params: { found: other.toUpperCase() } })
      fail('protocol-error', { serverSays: first, detail: 'not an SMTP greeting' })
    }
    let last = first
    while (/^\d{3}-/.test(last)) last = await io.readLine(signal)
    const code = Number(first.slice(0, 3))
    if (code !== 220) fail(classifySmtp(parseSmtpReply(last), 'greeting'), { serverSays: last })
    return first.slice(0, 200)
  },
  async capabilities(io, signal) {
    io.write(`EHLO ${ehloName()}`)
    const r = await reply(io, signal)
    if (r.code !== 250)
      fail(classifySmtp(parseSmtpReply(r.text), 'greeting'), { serverSays: r.text, detail: 'EHLO refused' })
    return parseEhlo(r.lines)
  },
  async startTls(io, signal) {
    io.write('STARTTLS')
    const r = await reply(io, signal)
    if (r.code !== 220) fail('starttls-failed', { serverSays: r.text, detail: 'STARTTLS refused' })
  },
  login: smtpLogin,
  goodbye(io) {
    try {
      io.write('QUIT')
    } catch {
      // already closed
    }
  }
}

type Transporter = ReturnType<typeof nodemailer.createTransport>

export async function smtpTransport(
  a: Pick<LoginArgs, 'settings' | 'ip' | 'ca' | 'minTls' | 'cert' | 'rec' | 'timing'>,
  secret: Secret
): Promise<Transporter> {
  const { settings, timing } = a
  let auth: Record<string, string> | undefined
  if (secret.kind === 'password') auth = { user: settings.username, pass: secret.password }
  else if (secret.kind === 'oauth2') {
    const accessToken = await secret.accessToken()
    registerSecret(accessToken)
    auth = { type: 'OAuth2', user: settings.username, accessToken }
  }
  const tls = strictTlsOptions(settings.host, a.ca, a.minTls, a.cert)
  // Loaded here: only the round trip sends mail through nodemailer; verify never needs it.
  const { default: mailer } = await import('nodemailer')
  return mailer.createTransport({
    host: a.ip,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'plain',
    servername: tls.servername,
    name: ehloName(),
    tls,
    auth,
    connectionTimeout: timing.tcpMs + timing.tlsMs,
    greetingTimeout: timing.greetingMs,
    socketTimeout: timing.authMs,
    dnsTimeout: timing.dnsMs,
    logger: smtpLogger(a.rec),
    debug: true
  } as Parameters<typeof nodemailer.createTransport>[0])
}

/**
 * Signs in on the probe's own connection, after our EHLO on it: one round trip for PLAIN with
 * its initial response (RFC 4954), where nodemailer, even handed this socket through its
 * `connection` option, would wait for a greeting already read and send EHLO again.
 */
async function smtpLogin(a: LoginArgs): Promise<string> {
  const { io, signal, settings } = a
  const user = settings.username
  const mechs = a.caps.mechanisms.map((m) => m.toUpperCase())
  let r: SmtpAnswer
  if (a.secret.kind === 'oauth2') {
    const { mech, payload } = await oauthPayload(user, a.secret.accessToken, a.caps.mechanisms)
    io.write(`AUTH ${mech} ${payload}`, `AUTH ${mech} ${HIDDEN}`)
    r = await reply(io, signal)
    // A refused token comes as a 334 challenge carrying the error; the answer is an empty line.
    if (r.code === 334) {
      io.write('', '(empty response to the error challenge)')
      r = await reply(io, signal)
    }
  } else if (a.secret.kind === 'password') {
    const pass = a.secret.password
    const scram = scramMechanism(settings.auth, a.caps.mechanisms)
    if (scram) {
      let last!: SmtpAnswer
      const step = (ans: SmtpAnswer): SaslStep =>
        (last = ans).code === 334
          ? { kind: 'challenge', data: ans.text.slice(4).trim() }
          : { kind: 'done', ok: ans.code === 235, text: ans.text }
      await scramSha256(user, pass, {
        start: async (mech, initial) => (io.write(`AUTH ${mech} ${initial}`), step(await reply(io, signal))),
        respond: async (data, shown) => (io.write(data, shown), step(await reply(io, signal)))
      })
      r = last
    } else if (mechs.includes('PLAIN') || !mechs.length) {
      // A server that lists no mechanism may still take PLAIN; its refusal is classified below.
      io.write(`AUTH PLAIN ${plain(user, pass)}`, `AUTH PLAIN ${HIDDEN}`)
      r = await reply(io, signal)
    } else if (mechs.includes('LOGIN')) {
      io.write('AUTH LOGIN')
      r = await reply(io, signal)
      const answers = [b64(user), b64(pass)]
      registerSecret(answers[1])
      for (let i = 0; r.code === 334 && i < answers.length; i++) {
        io.write(answers[i]!, i === 1 ? HIDDEN : undefined)
        r = await reply(io, signal)
      }
    } else {
      return fail('auth-mechanism-unsupported', {
        detail: `no password sign-in the server accepts (offered: ${a.caps.mechanisms.join(' ')})`
      })
    }
  } else return 'no sign-in'
  if (r.code !== 235)
    fail(classifySmtp(parseSmtpReply(r.text), 'auth'), { serverSays: r.text, detail: 'the server refused the sign-in' })
  return `signed in as ${user}`
}

/** nodemailer's protocol log into the transcript (redacted there). */
export function smtpLogger(rec: ProbeRecorder): unknown {
  const log =
    (level: string) =>
    (entry: { tnx?: string }, message: string, ...args: unknown[]): void => {
      let text = String(message ?? '')
      for (const a of args) text = text.replace(/%[sd]/, String(a))
      if (entry?.tnx === 'client') for (const l of text.split(/\r?\n/)) rec.line('c', l)
      else if (entry?.tnx === 'server') for (const l of text.split(/\r?\n/)) rec.line('s', l)
      else if (level === 'error' || level === 'warn') rec.line('i', `nodemailer: ${text}`)
    }
  return {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal')
  }
}
