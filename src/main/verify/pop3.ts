// POP3: a small client of our own (no well-kept POP3 library exists for Node). Greeting,
// CAPA, STLS, and sign-in with SASL PLAIN, USER/PASS or XOAUTH2/OAUTHBEARER on the probe's
// own connection, so the verified certificate is the one that carries the password.
import { fail } from '../errors'
import { classifyPop3Auth, greetingProtocol } from '../diagnosis/classify'
import { readReply, type LineSocket } from './lines'
import { HIDDEN, oauthPayload, plain, scramMechanism, scramSha256, type SaslStep } from './sasl'
import type { Capabilities, Driver, LoginArgs } from './session'

export async function pop3Command(io: LineSocket, signal: AbortSignal, line: string, shown?: string): Promise<string> {
  io.write(line, shown)
  return io.readLine(signal)
}

/** A multi-line answer after +OK, dot-unstuffed. */
export async function pop3Multi(io: LineSocket, signal: AbortSignal, maxLines = 10_000): Promise<string[]> {
  const lines = await readReply(io, signal, (l) => l === '.', maxLines)
  return lines.slice(0, -1).map((l) => (l.startsWith('..') ? l.slice(1) : l))
}

export function parsePop3Capa(lines: string[]): Capabilities {
  const upper = lines.map((l) => l.trim().toUpperCase())
  const sasl = upper.find((l) => l.startsWith('SASL'))
  const mechanisms = sasl ? sasl.split(/\s+/).slice(1) : []
  const user = upper.includes('USER')
  return {
    list: lines.map((l) => l.trim()).filter(Boolean),
    mechanisms,
    starttls: upper.includes('STLS'),
    passwordCommandDisabled: !user && !mechanisms.some((m) => m === 'PLAIN' || m === 'LOGIN')
  }
}

export const pop3Driver: Driver = {
  protocol: 'pop3',
  async greeting(io, signal) {
    const line = await io.readLine(signal)
    if (/^\+OK\b/i.test(line)) return line.slice(0, 200)
    if (/^-ERR\b/i.test(line)) fail('server-busy', { serverSays: line })
    const other = greetingProtocol(line)
    if (other && other !== 'pop3')
      fail('not-this-protocol', { serverSays: line, params: { found: other.toUpperCase() } })
    return fail('protocol-error', { serverSays: line, detail: 'not a POP3 greeting' })
  },
  async capabilities(io, signal) {
    const first = await pop3Command(io, signal, 'CAPA')
    // A server without CAPA (RFC 1939 only) still takes USER/PASS.
    if (!/^\+OK\b/i.test(first)) return { list: [], mechanisms: [], starttls: false, passwordCommandDisabled: false }
    return parsePop3Capa(await pop3Multi(io, signal, 200))
  },
  async startTls(io, signal) {
    const r = await pop3Command(io, signal, 'STLS')
    if (!/^\+OK\b/i.test(r)) fail('starttls-failed', { serverSays: r, detail: 'STLS refused' })
  },
  login: async (a) => {
    // With PIPELINING (RFC 2449) the STAT that reports the mailbox goes with a sign-in of one
    // message and costs no round trip of its own (the round trip's `after` needs its own order).
    const pipelining = !a.after && a.caps.list.some((c) => /^PIPELINING$/i.test(c.trim()))
    const statSent = await pop3Login(a.io, a, a.signal, pipelining ? 'STAT' : undefined)
    if (a.after) await a.after(a.io, a.signal)
    const stat = statSent ? await a.io.readLine(a.signal) : await pop3Command(a.io, a.signal, 'STAT')
    const m = /^\+OK\s+(\d+)\s+(\d+)/.exec(stat)
    return m ? `signed in; ${m[1]} messages` : 'signed in'
  },
  goodbye(io) {
    try {
      io.write('QUIT')
    } catch {
      // already closed
    }
  }
}

/**
 * Signs in; `next`, when given, is sent right behind a sign-in of one message (AUTH PLAIN) and
 * true returned: its answer is the next line after the sign-in's.
 */
async function pop3Login(
  io: LineSocket,
  a: Pick<LoginArgs, 'settings' | 'secret' | 'caps'>,
  signal: AbortSignal,
  next?: string
): Promise<boolean> {
  const user = a.settings.username
  const mechs = a.caps.mechanisms.map((m) => m.toUpperCase())
  const refused = (reply: string): never =>
    fail(classifyPop3Auth(reply), { serverSays: reply, detail: 'the server refused the sign-in' })
  if (a.secret.kind === 'oauth2') {
    const { mech, payload } = await oauthPayload(user, a.secret.accessToken, a.caps.mechanisms)
    let reply = await pop3Command(io, signal, `AUTH ${mech} ${payload}`, `AUTH ${mech} ${HIDDEN}`)
    // A refusal arrives as a challenge carrying JSON; the client answers with an empty line.
    if (/^\+( |$)/.test(reply)) reply = await pop3Command(io, signal, '', '(empty response to the error challenge)')
    if (!/^\+OK\b/i.test(reply)) refused(reply)
    return false
  }
  if (a.secret.kind !== 'password') return false
  const pass = a.secret.password
  if (scramMechanism(a.settings.auth, a.caps.mechanisms)) {
    const step = (line: string): SaslStep =>
      /^\+( |$)/.test(line)
        ? { kind: 'challenge', data: line.slice(2).trim() }
        : { kind: 'done', ok: /^\+OK\b/i.test(line), text: line }
    const done = await scramSha256(user, pass, {
      start: async (mech, initial) => step(await pop3Command(io, signal, `AUTH ${mech} ${initial}`)),
      respond: async (data, shown) => step(await pop3Command(io, signal, data, shown))
    })
    if (!done.ok) refused(done.text)
    return false
  }
  if (mechs.includes('PLAIN')) {
    io.write(`AUTH PLAIN ${plain(user, pass)}`, `AUTH PLAIN ${HIDDEN}`)
    if (next) io.write(next)
    const reply = await io.readLine(signal)
    if (!/^\+OK\b/i.test(reply)) {
      // POP3 answers carry no tag: the pipelined command's own answer (an -ERR now) is read
      // here, or the next user name form on this connection would take it for its own answer.
      if (next) await io.readLine(signal).catch(() => undefined)
      refused(reply)
    }
    return Boolean(next)
  }
  const r1 = await pop3Command(io, signal, `USER ${user}`)
  if (!/^\+OK\b/i.test(r1)) refused(r1)
  const r2 = await pop3Command(io, signal, `PASS ${pass}`, `PASS ${HIDDEN}`)
  if (!/^\+OK\b/i.test(r2)) refused(r2)
  return false
}

export { pop3Login }
