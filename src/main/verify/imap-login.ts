// IMAP sign-in on the probe's own, already verified connection: AUTHENTICATE PLAIN (in one
// line where the server offers SASL-IR), LOGIN with properly quoted or literal arguments, SASL
// LOGIN, or XOAUTH2/OAUTHBEARER for a token. Secrets never reach the transcript: every line that
// carries one is written with a masked stand-in and its payload is registered for redaction.
import { fail } from '../errors'
import { classifyImapAuth } from '../diagnosis/classify'
import { registerSecret } from '../redact'
import type { LineSocket } from './lines'
import { b64, HIDDEN, oauthPayload, plain, scramMechanism, scramSha256, type SaslStep } from './sasl'
import { LIST_ALL, readSpecialUse } from './special-use'
import type { LoginArgs } from './session'

let tagCounter = 0
export const nextTag = (): string => `M${(++tagCounter).toString().padStart(3, '0')}`

const MAX_LINES = 500

interface Reply {
  /** 'tagged' ends the command; 'continue' is the server's `+` asking for more. */
  kind: 'tagged' | 'continue'
  /** The tagged line without its tag, or the continuation's text. */
  text: string
  untagged: string[]
}

/** Reads up to the command's tagged reply or a continuation request. */
async function next(io: LineSocket, tag: string, signal: AbortSignal): Promise<Reply> {
  const untagged: string[] = []
  for (let i = 0; i < MAX_LINES; i++) {
    let line: string
    try {
      line = await io.readLine(signal)
    } catch (err) {
      // A server that says BYE and hangs up (too many attempts, shutting down) said why.
      const bye = untagged.find((l) => /^\*\s+BYE\b/i.test(l))
      if (bye && !signal.aborted)
        fail(classifyImapAuth(bye), { serverSays: bye, detail: 'the server ended the session' })
      throw err
    }
    if (line.startsWith(`${tag} `)) return { kind: 'tagged', text: line.slice(tag.length + 1), untagged }
    if (/^\+( |$)/.test(line)) return { kind: 'continue', text: line.slice(2), untagged }
    untagged.push(line)
  }
  return fail('protocol-error', { detail: `reply longer than ${MAX_LINES} lines` })
}

async function tagged(io: LineSocket, tag: string, signal: AbortSignal): Promise<Reply> {
  const r = await next(io, tag, signal)
  if (r.kind === 'continue')
    fail('protocol-error', {
      serverSays: `+ ${r.text}`,
      detail: 'the server asked for more where the command was complete'
    })
  return r
}

/** One IMAP argument (RFC 3501 astring): a quoted string where 7-bit text allows, else a literal. */
export type ImapArg = { quoted: string } | { literal: string }

export function imapArg(value: string): ImapArg {
  if (value.includes('\0'))
    fail('auth-mechanism-unsupported', {
      detail: 'the user name or password contains a NUL character, which IMAP cannot carry'
    })
  if (/^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value)) return { quoted: `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` }
  return { literal: value }
}

/**
 * Writes LOGIN user pass. A literal either goes without waiting (LITERAL+, or LITERAL- up to
 * 4096 bytes, RFC 7888) or waits for the server's `+`; returns false when the server answered
 * with a tagged reply instead of a continuation (the caller reads that reply).
 */
async function writeLogin(
  io: LineSocket,
  tag: string,
  user: string,
  pass: string,
  caps: string[],
  signal: AbortSignal
): Promise<{ waited: boolean; early?: Reply }> {
  const upper = caps.map((c) => c.toUpperCase())
  const args = [imapArg(user), imapArg(pass)]
  let line = `${tag} LOGIN`
  let shown = `${tag} LOGIN`
  let waited = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const secret = i === 1
    if ('quoted' in a) {
      line += ` ${a.quoted}`
      shown += ` ${secret ? HIDDEN : a.quoted}`
      continue
    }
    const size = Buffer.byteLength(a.literal, 'utf8')
    const nonSync = upper.includes('LITERAL+') || (upper.includes('LITERAL-') && size <= 4096)
    line += ` {${size}${nonSync ? '+' : ''}}`
    shown += ` {${size}${nonSync ? '+' : ''}}`
    io.write(line, shown)
    if (!nonSync) {
      waited = true
      const r = await next(io, tag, signal)
      if (r.kind === 'tagged') return { waited, early: r }
    }
    // The literal's bytes, then the rest of the command on the same line.
    line = a.literal
    shown = secret ? HIDDEN : a.literal
  }
  io.write(line, shown)
  return { waited }
}

/** Signs in; returns a short info string. Fails with a typed code from the server's answer. */
export async function imapLogin(a: LoginArgs): Promise<string> {
  const { io, signal, settings, caps } = a
  const user = settings.username
  if (io.greeting && /^\*\s+PREAUTH\b/i.test(io.greeting)) return 'already signed in by the server (PREAUTH)'
  const upper = caps.list.map((c) => c.toUpperCase())
  const mechs = caps.mechanisms.map((m) => m.toUpperCase())
  const saslIr = upper.includes('SASL-IR')
  const tag = nextTag()
  // A check after the sign-in: Exchange accepts the password of a mailbox whose IMAP is
  // off and refuses the next command ("User is authenticated but not connected"). The check is
  // the folder list the exports want (special-use.ts), so it costs no round trip of its own;
  // sent with the sign-in where that is one message, it costs none at all.
  const check = { tag: nextTag(), line: LIST_ALL }
  let pipelined = false
  let reply: Reply | undefined

  if (a.secret.kind === 'oauth2') {
    const { mech, payload } = await oauthPayload(user, a.secret.accessToken, caps.mechanisms)
    if (saslIr) io.write(`${tag} AUTHENTICATE ${mech} ${payload}`, `${tag} AUTHENTICATE ${mech} ${HIDDEN}`)
    else {
      io.write(`${tag} AUTHENTICATE ${mech}`)
      const go = await next(io, tag, signal)
      if (go.kind === 'continue') io.write(payload, HIDDEN)
      else reply = go
    }
    reply ??= await next(io, tag, signal)
    // A refused token comes as a challenge carrying the error; the answer is an empty line.
    if (reply.kind === 'continue') {
      io.write('', '(empty response to the error challenge)')
      reply = await tagged(io, tag, signal)
    }
  } else if (a.secret.kind === 'password') {
    const pass = a.secret.password
    registerSecret(pass)
    // Exchange's user\\mailbox form works with LOGIN only (imapflow does the same).
    const wantLogin = /[\\/]/.test(user) && !caps.passwordCommandDisabled
    const scram = scramMechanism(settings.auth, caps.mechanisms)
    if (scram) {
      let last!: Reply
      const step = (r: Reply): SaslStep =>
        (last = r).kind === 'continue'
          ? { kind: 'challenge', data: r.text }
          : { kind: 'done', ok: /^OK\b/i.test(r.text), text: r.text }
      await scramSha256(user, pass, {
        async start(mech, initial) {
          if (saslIr) io.write(`${tag} AUTHENTICATE ${mech} ${initial}`)
          else {
            io.write(`${tag} AUTHENTICATE ${mech}`)
            const go = await next(io, tag, signal)
            if (go.kind === 'tagged') return step(go)
            io.write(initial)
          }
          return step(await next(io, tag, signal))
        },
        respond: async (data, shown) => (io.write(data, shown), step(await next(io, tag, signal)))
      })
      reply = last
    } else if (mechs.includes('PLAIN') && !wantLogin) {
      const payload = plain(user, pass)
      if (saslIr) {
        io.write(`${tag} AUTHENTICATE PLAIN ${payload}`, `${tag} AUTHENTICATE PLAIN ${HIDDEN}`)
        // PLAIN is one message: with the response in the command the server can only answer
        // with the outcome, so the check may follow at once and costs no round trip.
        io.write(`${check.tag} ${check.line}`)
        pipelined = true
        reply = await tagged(io, tag, signal)
      } else {
        io.write(`${tag} AUTHENTICATE PLAIN`)
        const go = await next(io, tag, signal)
        if (go.kind === 'continue') {
          io.write(payload, HIDDEN)
          reply = await tagged(io, tag, signal)
        } else reply = go
      }
    } else if (!caps.passwordCommandDisabled) {
      const sent = await writeLogin(io, tag, user, pass, caps.list, signal)
      if (sent.early) reply = sent.early
      else {
        if (!sent.waited) {
          io.write(`${check.tag} ${check.line}`)
          pipelined = true
        }
        reply = await tagged(io, tag, signal)
      }
    } else if (mechs.includes('LOGIN')) {
      io.write(`${tag} AUTHENTICATE LOGIN`)
      reply = await next(io, tag, signal)
      const answers = [b64(user), b64(pass)]
      registerSecret(answers[1])
      for (let i = 0; reply.kind === 'continue' && i < answers.length; i++) {
        io.write(answers[i]!, i === 1 ? HIDDEN : undefined)
        reply = await next(io, tag, signal)
      }
      if (reply.kind === 'continue')
        fail('protocol-error', {
          serverSays: `+ ${reply.text}`,
          detail: 'AUTHENTICATE LOGIN asked for more than user and password'
        })
    } else {
      return fail('auth-mechanism-unsupported', {
        detail: `no password sign-in the server accepts (offered: ${caps.mechanisms.join(' ') || 'none'})`
      })
    }
  } else return 'no sign-in'

  if (!/^OK\b/i.test(reply.text)) {
    const last = `${tag} ${reply.text}`
    const said = [...reply.untagged.filter((l) => /^\*\s+(NO|BAD|BYE)\b/i.test(l)), last].join('\n')
    return fail(classifyImapAuth(last), { serverSays: said, detail: 'the server refused the sign-in' })
  }
  a.accepted?.()
  if (!pipelined) io.write(`${check.tag} ${check.line}`)
  // A server slow to list (or that never answers LIST) costs at most one command's deadline: the
  // sign-in's own OK has proven the password, and not being able to list folders does not undo
  // it. A timer holds the deadline's controller: AbortSignal.any keeps its sources only weakly, so
  // an AbortSignal.timeout() nothing else holds can be collected before it fires (the LIST then
  // waits for the whole probe's deadline).
  const listDeadline = new AbortController()
  const timer = setTimeout(
    () => listDeadline.abort(new DOMException('LIST deadline', 'TimeoutError')),
    a.timing.commandMs
  )
  let listed: Awaited<ReturnType<typeof readSpecialUse>> | undefined
  try {
    listed = await readSpecialUse(io, check.tag, AbortSignal.any([signal, listDeadline.signal]))
  } catch (err) {
    if (signal.aborted) throw err
  } finally {
    clearTimeout(timer)
  }
  if (listed && !/^OK\b/i.test(listed.done) && /authenticated but not connected/i.test(listed.done)) {
    fail('protocol-disabled', {
      serverSays: `${check.tag} ${listed.done}`,
      detail: 'the password was accepted but the mailbox refuses IMAP'
    })
  }
  // Where the server keeps sent mail, drafts and trash, for the exports (RFC 6154).
  if (listed?.folders && Object.keys(listed.folders).length) a.rec.probe.folders = listed.folders
  return `signed in as ${user}`
}
