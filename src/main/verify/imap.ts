// IMAP: our own greeting, CAPABILITY and STARTTLS steps and the sign-in, all on the probe's
// own connection, so the certificate just checked is the one that carries the password and no
// second connection repeats TCP, TLS and the greeting (imapflow would also add CAPABILITY, ID
// and NAMESPACE round trips). imapflow stays for the round trip, where a full client is needed.
import type { ImapFlowOptions } from 'imapflow'
import { fail } from '../errors'
import { greetingProtocol } from '../diagnosis/classify'
import { imapLogin, nextTag } from './imap-login'
import { readReply, type LineSocket } from './lines'
import type { ProbeRecorder } from './recorder'
import type { Capabilities, Driver, LoginArgs } from './session'
import { strictTlsOptions } from './tls'
import { decodeServerBytes } from './decode'

async function command(
  io: LineSocket,
  signal: AbortSignal,
  line: string
): Promise<{ untagged: string[]; done: string }> {
  const tag = nextTag()
  io.write(`${tag} ${line}`)
  const lines = await readReply(io, signal, (l) => l.startsWith(`${tag} `))
  return { untagged: lines.slice(0, -1), done: lines[lines.length - 1]!.slice(tag.length + 1) }
}

export function parseImapCapabilities(lines: string[]): Capabilities {
  const list: string[] = []
  for (const l of lines) {
    const m = /^\*\s+CAPABILITY\s+(.*)$/i.exec(l) ?? /\[CAPABILITY\s+([^\]]*)\]/i.exec(l)
    if (m) list.push(...m[1]!.trim().split(/\s+/))
  }
  const upper = list.map((c) => c.toUpperCase())
  return {
    list,
    mechanisms: upper.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5)),
    starttls: upper.includes('STARTTLS'),
    passwordCommandDisabled: upper.includes('LOGINDISABLED')
  }
}

export const imapDriver: Driver = {
  protocol: 'imap',
  async greeting(io, signal) {
    const line = await io.readLine(signal)
    io.greeting = line
    if (/^\*\s+(OK|PREAUTH)\b/i.test(line)) return line.slice(0, 200)
    if (/^\*\s+BYE\b/i.test(line)) fail('server-busy', { serverSays: line })
    const other = greetingProtocol(line)
    if (other && other !== 'imap')
      fail('not-this-protocol', { serverSays: line, params: { found: other.toUpperCase() } })
    return fail('protocol-error', { serverSays: line, detail: 'not an IMAP greeting' })
  },
  async capabilities(io, signal) {
    // Capabilities in the greeting of this very connection save a round trip (RFC 3501 7.1).
    const given = io.greeting ? parseImapCapabilities([io.greeting]) : undefined
    if (given?.list.some((c) => /^IMAP4/i.test(c))) return given
    const r = await command(io, signal, 'CAPABILITY')
    if (!/^OK\b/i.test(r.done)) fail('protocol-error', { serverSays: r.done, detail: 'CAPABILITY refused' })
    const caps = parseImapCapabilities([...r.untagged, r.done])
    if (!caps.list.some((c) => /^IMAP4/i.test(c))) fail('protocol-error', { detail: 'no IMAP4 capability' })
    return caps
  },
  async startTls(io, signal) {
    const r = await command(io, signal, 'STARTTLS')
    if (!/^OK\b/i.test(r.done)) fail('starttls-failed', { serverSays: r.done, detail: 'STARTTLS refused' })
  },
  login: imapLogin,
  goodbye(io) {
    try {
      io.write(`${nextTag()} LOGOUT`)
    } catch {
      // already closed
    }
  }
}

/** imapflow options for the verified server: same address, same trust, our deadlines. */
export function imapOptions(
  a: Pick<LoginArgs, 'settings' | 'ip' | 'ca' | 'minTls' | 'cert' | 'rec' | 'timing'>,
  auth: ImapFlowOptions['auth']
): ImapFlowOptions {
  const { settings, timing } = a
  const tls = strictTlsOptions(settings.host, a.ca, a.minTls, a.cert)
  return {
    host: a.ip,
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls',
    servername: tls.servername,
    tls,
    auth,
    logger: imapLogger(a.rec),
    logRaw: true,
    emitLogs: false,
    disableAutoIdle: true,
    clientInfo: { name: 'Mail Setup' },
    connectionTimeout: timing.tcpMs + timing.tlsMs,
    greetingTimeout: timing.greetingMs,
    socketTimeout: timing.authMs
  } as ImapFlowOptions
}

/** imapflow's raw log, decoded into transcript lines (imapflow withholds credential frames). */
export function imapLogger(rec: ProbeRecorder): ImapFlowOptions['logger'] {
  const raw = (entry: { src?: string; msg?: string; data?: string; hidden?: boolean }): void => {
    if (entry?.msg !== 'write to socket' && entry?.msg !== 'read from socket') return
    const dir = entry.src === 'c' ? 'c' : 's'
    if (entry.hidden) return rec.line('c', '(credentials hidden)')
    const text = decodeServerBytes(Buffer.from(entry.data ?? '', 'base64'))
    for (const l of text.split(/\r?\n/)) if (l) rec.line(dir, l)
  }
  const quiet = (): void => undefined
  const error = (entry: { msg?: string; err?: Error }): void =>
    rec.line('i', `imapflow: ${entry?.msg ?? ''} ${entry?.err?.message ?? ''}`.trim())
  return { trace: raw, debug: quiet, info: quiet, warn: quiet, error } as unknown as ImapFlowOptions['logger']
}
