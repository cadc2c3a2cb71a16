// Finding 4: a server that echoes a non-ASCII password. Real IMAP and SMTP socket servers on
// loopback repeat the password they were given as UTF-8, as ISO-8859-1, inside a line that is
// not valid UTF-8, and in base64. Bytes are decoded once, redacted, then escaped, so no form
// of it reaches the human output, --json, the transcript or the diagnostic report.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocLoopback } from '../world'
import { smtpScript } from '../fakes/scripts'
import type { FakeConn } from '../fakes/server'
import { startWorld, type World } from '../world/compose'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'
import { REDACTION_MASK } from '../../src/main/redact'
import type { VerifyResult } from '../../src/shared/verify'

// Every byte form of it is latin1-representable; "Zq7xK" is the ASCII core any leak would keep.
const PASSWORD = 'Pässwört-Zq7xK-Grüße'
const HOST = 'mail.echo.test'
const b64 = (b: Buffer): string => b.toString('base64')
const LEAKS = [
  'Zq7xK',
  b64(Buffer.from(PASSWORD, 'utf8')),
  b64(Buffer.from(PASSWORD, 'latin1')),
  Buffer.from(PASSWORD, 'utf8').toString('latin1'),
  'sswört',
  'ssw\\xc3\\xb6rt',
  'ssw\\xf6rt'
]

function echoImap(c: FakeConn): Promise<void> {
  const raw = (...parts: Array<string | Buffer>): void => {
    c.socket.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))))
  }
  c.send('* OK echo IMAP ready\r\n')
  return (async () => {
    for (;;) {
      const l = await c.line()
      if (l === undefined) return
      const [tag = '*', cmd = '', , ir] = l.split(' ')
      if (/^CAPABILITY$/i.test(cmd)) c.send(`* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\n${tag} OK done\r\n`)
      else if (/^AUTHENTICATE$/i.test(cmd)) {
        let payload = ir
        if (!payload) {
          c.send('+ \r\n')
          payload = (await c.line()) ?? ''
        }
        const pass = Buffer.from(payload, 'base64').toString('utf8').split('\0')[2] ?? ''
        raw('* OK [ALERT] utf-8: ', Buffer.from(pass, 'utf8'), '\r\n')
        raw('* OK [ALERT] latin1: ', Buffer.from(pass, 'latin1'), '\r\n')
        raw('* OK [ALERT] mixed \xff: ', Buffer.from(pass, 'utf8'), '\r\n')
        raw(`* OK [ALERT] base64: ${b64(Buffer.from(pass, 'utf8'))} and ${b64(Buffer.from(pass, 'latin1'))}\r\n`)
        raw(`${tag} NO [AUTHENTICATIONFAILED] wrong password `, Buffer.from(pass, 'utf8'), '\r\n')
      } else if (/^LOGOUT$/i.test(cmd)) {
        c.send(`* BYE\r\n${tag} OK bye\r\n`)
        return c.close()
      } else c.send(`${tag} BAD unknown\r\n`)
    }
  })()
}

let w: World
beforeAll(async () => {
  w = await startWorld(inject('bench'))
  const tls = await w.cert([HOST])
  const host = allocLoopback()
  await w.fake(HOST, { host, port: 993, tls, handler: echoImap })
  await w.fake(HOST, {
    host,
    port: 465,
    tls,
    handler: smtpScript({
      ehlo: ['AUTH PLAIN LOGIN'],
      auth: (_u, pass) => `535-5.7.8 password ${pass} refused\r\n535 5.7.8 again: ${pass}`
    })
  })
})
afterAll(() => w?.stop())

const args = [
  'verify',
  `u@echo.test`,
  '--incoming',
  `imaps://${HOST}:993`,
  '--outgoing',
  `smtps://${HOST}:465`,
  '--no-save',
  '--transcript'
]
const leaked = (text: string): string[] => LEAKS.filter((l) => text.includes(l))

describe('a server echoing a non-ASCII password', () => {
  it('human output: every echo masked', async () => {
    const res = await w.cli(args, { env: { MAIL_SETUP_PASSWORD: PASSWORD } })
    expect(res.code).toBe(4)
    const out = res.stdout + res.stderr
    expect(leaked(out)).toEqual([])
    // The echoes are there, masked: the test would see a leak.
    // (the line that is not valid UTF-8 as a whole is read byte for byte: 0xFF shows as ÿ)
    for (const form of ['utf-8', 'latin1', 'mixed ÿ', 'base64'])
      expect(out).toContain(`[ALERT] ${form}: ${REDACTION_MASK}`)
    expect(out).toContain(`wrong password ${REDACTION_MASK}`)
  })

  it('--json: every echo masked, in the transcript and the server words', async () => {
    const res = await w.cli([...args, '--json'], { env: { MAIL_SETUP_PASSWORD: PASSWORD } })
    expect(res.code).toBe(4)
    expect(leaked(res.stdout + res.stderr)).toEqual([])
    const doc = JSON.parse(res.stdout) as { result: { verify: VerifyResult } }
    const said = doc.result.verify.probes.map((p) => p.diagnosis?.serverSays ?? '').join('\n')
    expect(said).toContain(REDACTION_MASK)
  })

  it('the diagnostic report of the same run: every echo masked', async () => {
    const config = loadConfig({ ...w.env, MAIL_SETUP_OFFLINE: '1' })
    const handlers = createHandlers(createServices(config), { door: 'cli', version: 'test', emit: () => undefined })
    const address = 'u@echo.test'
    const incoming = [
      {
        protocol: 'imap' as const,
        host: HOST,
        port: 993,
        security: 'tls' as const,
        username: address,
        auth: ['password-cleartext' as const]
      }
    ]
    const outgoing = [
      {
        protocol: 'smtp' as const,
        host: HOST,
        port: 465,
        security: 'tls' as const,
        username: address,
        auth: ['password-cleartext' as const]
      }
    ]
    const verified = await dispatch(handlers, 'verify', {
      runId: 'echo',
      address,
      incoming,
      outgoing,
      credentials: { kind: 'password', password: PASSWORD }
    })
    expect(verified.ok).toBe(true)
    const verify = (verified as { value: VerifyResult }).value
    expect(leaked(JSON.stringify(verify))).toEqual([])
    // The report comes from main's record of the same session.
    const report = await dispatch(handlers, 'diagnosticReport', {
      sessionId: (verify as VerifyResult & { sessionId: string }).sessionId
    })
    expect(report.ok).toBe(true)
    const text = (report as { value: { text: string } }).value.text
    expect(leaked(text)).toEqual([])
    expect(text).toContain(`[ALERT] latin1: ${REDACTION_MASK}`)
  })
})
