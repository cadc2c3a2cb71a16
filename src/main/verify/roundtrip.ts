// The round trip, like Exchange's Test-ImapConnectivity: send a test message through the
// verified SMTP server to the address itself, wait for it over IMAP or POP3, report how long
// delivery took, and remove it (for POP3 only when mail is not being kept on the server).
import { randomUUID } from 'node:crypto'
import { ImapFlow, type ImapFlowOptions } from 'imapflow'
import type { Diagnosis } from '../../shared/diagnosis'
import type { ServerSettings } from '../../shared/domain'
import type { RoundTripResult } from '../../shared/verify'
import { AppError, fail, toDiagnosis } from '../errors'
import { diagnose as build } from '../../shared/diagnosis-catalog'
import { redactValue, registerSecret } from '../redact'
import { driverFor, exceptionFor } from './drivers'
import type { RoundTripContext, RoundTripInput } from './index'
import { imapOptions } from './imap'
import { imapError, smtpError } from '../diagnosis/library'
import type { LineSocket } from './lines'
import { pop3Command, pop3Multi } from './pop3'
import { ProbeRecorder, abortRace } from './recorder'
import { runProbe, type ProbeOutcome } from './session'
import { smtpTransport } from './smtp'
import { timingWith, type Timing } from './timing'
import type { Secret } from './secret'
import type { TlsVersion } from '../net/trust'

const POLL_MS = 500

/** What every connection of the round trip is held to. */
interface Trust {
  ca: string[]
  minTls: TlsVersion | undefined
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

export async function runRoundTrip(input: RoundTripInput, ctx: RoundTripContext): Promise<RoundTripResult> {
  const timing = timingWith(ctx.timing)
  const token = randomUUID()
  const messageId = `<mail-setup-test-${token}@mail-setup.invalid>`
  const rec = new ProbeRecorder(`roundtrip-${token}`, 'outgoing', input.outgoing, () => undefined)
  const stage = ctx.onStage
  // Every connection of the round trip, the checks and the libraries' own, is held to the same
  // trust: the CA list and the policy's TLS floor (a TLS 1.3 floor must not meet TLS 1.2 on the second one).
  const trust: Trust = { ca: ctx.ca, minTls: ctx.minTls }
  try {
    // Connection, TLS and certificate of both servers first, without a password: the address
    // and the (possibly user-trusted) certificate the libraries are then held to.
    const check = (s: ServerSettings, role: 'incoming' | 'outgoing'): Promise<ProbeOutcome> =>
      runProbe(driverFor(s), {
        id: `roundtrip-${role}`,
        role,
        settings: s,
        secret: { kind: 'none' },
        exception: exceptionFor(input.exceptions, s),
        dns: ctx.dns,
        ...trust,
        timing,
        signal: ctx.signal,
        onProbe: () => undefined
      })
    const [inc, out] = await Promise.all([check(input.incoming, 'incoming'), check(input.outgoing, 'outgoing')])
    for (const o of [out, inc])
      if (o.probe.state !== 'ok') throw new AppError(o.probe.diagnosis ?? { code: 'internal' })

    stage('sending')
    const t0 = performance.now()
    await send(input, out, rec, timing, token, messageId, trust, ctx.signal)
    const sentAt = performance.now()
    stage('sent')

    stage('waiting')
    // A timer holds the deadline's controller: AbortSignal.any keeps its sources only weakly, and
    // an AbortSignal.timeout() nothing else held was collected before it fired (the wait then hung).
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new DOMException('deadline', 'TimeoutError')), ctx.waitMs ?? 60_000)
    const waitSignal = AbortSignal.any([ctx.signal, deadline.signal])
    let removed: boolean
    try {
      removed =
        input.incoming.protocol === 'imap'
          ? await imapWait(
              input,
              inc,
              rec,
              timing,
              trust,
              token,
              waitSignal,
              () => stage('delivered'),
              () => stage('removing')
            )
          : await pop3Wait(
              input,
              inc,
              timing,
              trust,
              token,
              waitSignal,
              () => stage('delivered'),
              () => stage('removing')
            )
    } catch (err) {
      if (waitSignal.aborted && !ctx.signal.aborted)
        fail('round-trip-timeout', { detail: `the test message did not arrive within ${ctx.waitMs ?? 60_000} ms` })
      throw err
    } finally {
      clearTimeout(timer)
    }
    const deliveredMs = Math.round(performance.now() - sentAt)
    stage('done')
    return { ok: true, messageId, sentMs: Math.round(sentAt - t0), deliveredMs, removed }
  } catch (err) {
    stage('failed')
    const d = toDiagnosis(err)
    // The failure may quote a server (serverSays, detail): redacted like a probe's diagnosis.
    const diagnosis: Diagnosis = ctx.signal.aborted ? build('cancelled') : redactValue(build(d.code, d))
    return { ok: false, messageId, diagnosis }
  }
}

async function send(
  input: RoundTripInput,
  out: ProbeOutcome,
  rec: ProbeRecorder,
  timing: Timing,
  token: string,
  messageId: string,
  trust: Trust,
  signal: AbortSignal
): Promise<void> {
  const transport = await smtpTransport(
    { settings: input.outgoing, ip: out.ip!, ...trust, cert: out.cert, rec, timing },
    input.secret
  )
  const onAbort = (): void => transport.close()
  signal.addEventListener('abort', onAbort, { once: true })
  const aborted = abortRace(signal)
  try {
    await Promise.race([
      transport.sendMail({
        from: input.address,
        to: input.address,
        subject: 'Mail Setup test message',
        messageId,
        headers: { 'X-Mail-Setup-Test': token },
        text: 'Mail Setup sent this message to check that your account can send and receive mail. It removes it again by itself; if it is still here, you can delete it.'
      }),
      aborted.promise
    ])
  } catch (err) {
    if (signal.aborted) throw err
    throw smtpError(err, 'data', input.outgoing.security)
  } finally {
    signal.removeEventListener('abort', onAbort)
    aborted.dispose()
    transport.close()
  }
}

async function imapAuth(secret: Secret, user: string): Promise<ImapFlowOptions['auth']> {
  if (secret.kind === 'password') return { user, pass: secret.password }
  if (secret.kind === 'oauth2') {
    const accessToken = await secret.accessToken()
    registerSecret(accessToken)
    return { user, accessToken }
  }
  return fail('auth-failed', { detail: 'a round trip needs a password or a token' })
}

async function imapWait(
  input: RoundTripInput,
  inc: ProbeOutcome,
  rec: ProbeRecorder,
  timing: Timing,
  trust: Trust,
  token: string,
  signal: AbortSignal,
  delivered: () => void,
  removing: () => void
): Promise<boolean> {
  const s = input.incoming
  const client = new ImapFlow(
    imapOptions(
      { settings: s, ip: inc.ip!, ...trust, cert: inc.cert, rec, timing },
      await imapAuth(input.secret, s.username)
    )
  )
  client.on('error', () => undefined)
  const onAbort = (): void => void client.close()
  signal.addEventListener('abort', onAbort, { once: true })
  // imapflow may leave a command unanswered after close(): the deadline wins the race, not the library.
  const aborted = abortRace(signal)
  const session = async (): Promise<boolean> => {
    await client.connect()
    await client.mailboxOpen('INBOX')
    for (;;) {
      await client.noop()
      const uids = await client.search({ header: { 'X-Mail-Setup-Test': token } }, { uid: true })
      if (uids && uids.length) {
        delivered()
        removing()
        return await client.messageDelete(uids, { uid: true })
      }
      await sleep(POLL_MS, signal)
    }
  }
  const running = session()
  running.catch(() => undefined)
  try {
    return await Promise.race([running, aborted.promise])
  } catch (err) {
    if (signal.aborted) throw err
    throw imapError(err, s.security)
  } finally {
    signal.removeEventListener('abort', onAbort)
    aborted.dispose()
    // After the deadline nothing waits for a LOGOUT answer.
    if (signal.aborted) client.close()
    else await client.logout().catch(() => client.close())
  }
}

async function pop3Wait(
  input: RoundTripInput,
  inc: ProbeOutcome,
  timing: Timing,
  trust: Trust,
  token: string,
  signal: AbortSignal,
  delivered: () => void,
  removing: () => void
): Promise<boolean> {
  const s = input.incoming
  const keep = s.pop3?.leaveOnServer ?? true
  // A POP3 session sees the mailbox as it was at sign-in, so each look is a new session.
  for (;;) {
    let found = false
    let removed = false
    const after = async (io: LineSocket, sig: AbortSignal): Promise<void> => {
      const stat = await pop3Command(io, sig, 'STAT')
      const count = Number(/^\+OK\s+(\d+)/.exec(stat)?.[1] ?? 0)
      // Newest first: the test message is almost always the last one.
      for (let n = count; n >= 1 && n > count - 50; n--) {
        const top = await pop3Command(io, sig, `TOP ${n} 0`)
        if (!top.startsWith('+OK')) break
        const head = await pop3Multi(io, sig)
        if (head.some((l) => l.toLowerCase().startsWith('x-mail-setup-test:') && l.includes(token))) {
          found = true
          delivered()
          if (!keep) {
            removing()
            removed = (await pop3Command(io, sig, `DELE ${n}`)).startsWith('+OK')
          }
          return
        }
      }
    }
    const o = await runProbe(driverFor(s), {
      id: 'roundtrip-pop3',
      role: 'incoming',
      settings: s,
      secret: input.secret,
      exception: exceptionFor(input.exceptions, s),
      dns: staticDns(inc.ip!),
      ...trust,
      timing,
      signal,
      onProbe: () => undefined,
      after
    })
    if (o.probe.state !== 'ok') throw new AppError(o.probe.diagnosis ?? { code: 'internal' })
    if (found) {
      return removed
    }
    await sleep(POLL_MS, signal)
  }
}

function staticDns(ip: string): import('../net/dns').Dns {
  const family = ip.includes(':') ? 6 : 4
  const list = async (): Promise<Array<{ address: string; family: 4 | 6 }>> => [{ address: ip, family }]
  return { lookupAll: list } as unknown as import('../net/dns').Dns
}
