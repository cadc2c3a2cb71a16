// The sign-in on the probe's own verified connection, against scripted socket servers: IMAP
// quoting and literals, SASL-IR with the post-login check in the same round trip, Exchange's
// "authenticated but not connected", SMTP AUTH LOGIN and XOAUTH2 refusals. Every case proves
// one connection only and no secret in the result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verify } from '../../src/main/verify'
import { graceFor } from '../../src/main/verify/scheduler'
import type { Probe, VerifyResult } from '../../src/shared/verify'
import type { Fake, FakeConn } from '../fakes/server'
import { smtpScript } from '../fakes/scripts'
import { PASSWORD, USER, settings, world, type World } from './helpers'

let w: World
beforeAll(async () => {
  w = await world()
})
afterAll(() => w.stop())

/** A TLS fake server answering for `host`; it stops with the world. */
async function fake(host: string, port: number, handler: (c: FakeConn) => Promise<void>): Promise<Fake> {
  return w.fake(host, { port, tls: await w.cert([host]), handler })
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8')
const sleep = (ms: number): Promise<undefined> => new Promise((r) => setTimeout(() => r(undefined), ms))

/** The next line, or undefined if none came within ms (the client is waiting for us). */
async function lineWithin(c: FakeConn, ms: number): Promise<string | undefined> {
  return Promise.race([c.line(), sleep(ms)])
}

/** Parses one IMAP astring at the start of text: "quoted" (with \\ escapes) or a bare atom. */
function quoted(text: string): { value: string; rest: string } {
  if (!text.startsWith('"')) {
    const [value = '', ...rest] = text.split(' ')
    return { value, rest: rest.join(' ') }
  }
  let value = ''
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\\') value += text[++i]
    else if (ch === '"') return { value, rest: text.slice(i + 2) }
    else value += ch
  }
  throw new Error('unterminated quoted string')
}

function noSecret(r: VerifyResult, ...secrets: string[]): void {
  const text = JSON.stringify(r)
  for (const s of secrets) {
    expect(text).not.toContain(s)
    expect(text).not.toContain(b64(s))
  }
}

interface ImapSeen {
  user?: string
  pass?: string
  /** Whether the client waited for `+` before each synchronising literal. */
  waitedForContinuation?: boolean
  /** Whether the post-login check came before the sign-in was answered. */
  pipelined?: boolean
  lines: string[]
}

/** An IMAP server that reads LOGIN with quoted strings or literals, and AUTHENTICATE PLAIN. */
function imapServer(
  caps: string,
  seen: ImapSeen,
  after: (tag: string, cmd: string) => string = (t, c) => `${t} OK ${c} done`
) {
  return async (c: FakeConn): Promise<void> => {
    c.send(`* OK [CAPABILITY ${caps}] ready\r\n`)
    for (;;) {
      const l = await c.line()
      if (l === undefined) return
      seen.lines.push(l)
      const [tag = '', cmdRaw = ''] = l.split(' ')
      const cmd = cmdRaw.toUpperCase()
      const args = l.slice(tag.length + cmd.length + 2)
      if (cmd === 'LOGIN') {
        const values: string[] = []
        let rest = args
        let line = l
        for (let i = 0; i < 2; i++) {
          const lit = /^\{(\d+)(\+?)\}$/.exec(rest.trim().split(' ')[0] ?? '')
          if (lit) {
            if (!lit[2]) {
              const early = await lineWithin(c, 150)
              seen.waitedForContinuation = early === undefined
              c.send('+ go ahead\r\n')
              line = early ?? (await c.line()) ?? ''
            } else line = (await c.line()) ?? ''
            const bytes = Buffer.from(line, 'latin1')
            values.push(bytes.subarray(0, Number(lit[1])).toString('utf8'))
            rest = bytes.subarray(Number(lit[1])).toString('latin1').trim()
          } else {
            const q = quoted(rest.trim())
            values.push(q.value)
            rest = q.rest
          }
        }
        ;[seen.user, seen.pass] = values
        const early = await lineWithin(c, 1000)
        seen.pipelined = early !== undefined
        c.send(`${tag} OK [CAPABILITY ${caps}] Logged in\r\n`)
        if (early) {
          const [t2 = '', c2 = ''] = early.split(' ')
          c.send(`${after(t2, c2.toUpperCase())}\r\n`)
        }
      } else if (cmd === 'AUTHENTICATE') {
        const [, user = '', pass = ''] = unb64(args.split(' ')[1] ?? '').split('\0')
        seen.user = user
        seen.pass = pass
        const early = await lineWithin(c, 1000)
        seen.pipelined = early !== undefined
        if (early) seen.lines.push(early)
        c.send(`${tag} OK Logged in\r\n`)
        if (early) {
          const [t2 = '', c2 = ''] = early.split(' ')
          c.send(`${after(t2, c2.toUpperCase())}\r\n`)
        }
      } else if (cmd === 'LOGOUT') {
        c.send(`* BYE\r\n${tag} OK bye\r\n`)
        c.close()
        return
      } else c.send(`${after(tag, cmd)}\r\n`)
    }
  }
}

const password = { kind: 'password' as const, password: PASSWORD }

async function imapProbe(
  host: string,
  user = USER,
  secret: Parameters<typeof verify>[0]['secret'] = password
): Promise<VerifyResult> {
  return verify(
    { address: USER, incoming: [settings('imap', host, 993, 'tls', user)], outgoing: [], secret, exceptions: [] },
    w.ctx()
  )
}

describe('IMAP sign-in on the verified connection', () => {
  it('AUTHENTICATE PLAIN in one line (SASL-IR) with the check in the same round trip', async () => {
    const seen: ImapSeen = { lines: [] }
    const f = await fake('sasl-ir.fake.test', 993, imapServer('IMAP4rev1 SASL-IR AUTH=PLAIN NAMESPACE', seen))
    const r = await imapProbe('sasl-ir.fake.test')
    expect(r.incoming?.state).toBe('ok')
    expect(seen).toMatchObject({ user: USER, pass: PASSWORD, pipelined: true })
    // The check is the folder list, sent with the sign-in.
    expect(seen.lines[1]).toMatch(/^M\d+ LIST "" "\*"$/)
    expect(f.connections).toBe(1)
    expect(r.incoming?.transcript.find((l) => /AUTHENTICATE/.test(l.text))?.text).toMatch(/AUTHENTICATE PLAIN ••••••$/)
    noSecret(r, PASSWORD)
  })

  it('LOGIN quotes " and \\ in the user name and password, and the server reads them back exactly', async () => {
    const seen: ImapSeen = { lines: [] }
    const user = 'o"brien\\mail@fake.test'
    const pass = 'pa"ss\\w0rd with space'
    const f = await fake('quote.fake.test', 993, imapServer('IMAP4rev1', seen))
    const r = await imapProbe('quote.fake.test', user, { kind: 'password', password: pass })
    expect(r.incoming?.state).toBe('ok')
    expect(seen).toMatchObject({ user, pass, pipelined: true })
    expect(f.all()).toContain(`LOGIN "o\\"brien\\\\mail@fake.test" "pa\\"ss\\\\w0rd with space"`)
    expect(f.connections).toBe(1)
    noSecret(r, pass)
  })

  it('a password outside 7-bit ASCII goes as a literal, waiting for the go-ahead', async () => {
    const seen: ImapSeen = { lines: [] }
    const pass = 'pässwörd-日本'
    await fake('literal.fake.test', 993, imapServer('IMAP4rev1', seen))
    const r = await imapProbe('literal.fake.test', USER, { kind: 'password', password: pass })
    expect(r.incoming?.state).toBe('ok')
    expect(seen).toMatchObject({ user: USER, pass, waitedForContinuation: true })
    expect(seen.lines[0]).toMatch(new RegExp(`LOGIN "${USER}" \\{${Buffer.byteLength(pass)}\\}$`))
    noSecret(r, pass)
  })

  it('with LITERAL+ the literal goes at once, and the check with it', async () => {
    const seen: ImapSeen = { lines: [] }
    const pass = 'pässwörd'
    await fake('literal-plus.fake.test', 993, imapServer('IMAP4rev1 LITERAL+', seen))
    const r = await imapProbe('literal-plus.fake.test', USER, { kind: 'password', password: pass })
    expect(r.incoming?.state).toBe('ok')
    expect(seen).toMatchObject({ pass, pipelined: true })
    expect(seen.lines[0]).toMatch(/\{10\+\}$/)
    noSecret(r, pass)
  })

  it('Exchange: password accepted, next command "authenticated but not connected" → protocol-disabled', async () => {
    const seen: ImapSeen = { lines: [] }
    const said = 'BAD User is authenticated but not connected.'
    await fake(
      'exchange.fake.test',
      993,
      imapServer('IMAP4 IMAP4rev1 AUTH=PLAIN SASL-IR NAMESPACE LITERAL+', seen, (t, c) =>
        c === 'LIST' ? `${t} ${said}` : `${t} OK done`
      )
    )
    const r = await imapProbe('exchange.fake.test')
    expect(r.diagnosis).toMatchObject({ code: 'protocol-disabled', protocol: 'imap' })
    expect(r.diagnosis?.serverSays).toContain('authenticated but not connected')
    noSecret(r, PASSWORD)
  })

  it('a BYE and a hang-up instead of an answer is classified by its words (too many attempts)', async () => {
    await fake('bye.fake.test', 993, async (c) => {
      c.send('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n')
      await c.line()
      c.send('* BYE Too many login failures, try again later\r\n')
      c.close()
    })
    const r = await imapProbe('bye.fake.test')
    expect(r.diagnosis).toMatchObject({
      code: 'rate-limited',
      serverSays: '* BYE Too many login failures, try again later'
    })
  })

  it('XOAUTH2 without SASL-IR waits for the go-ahead; a refused token ends in oauth-token-refused', async () => {
    const payloads: string[] = []
    const host = 'xoauth-cont.fake.test'
    await fake(host, 993, async (c) => {
      c.send('* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n')
      for (;;) {
        const l = await c.line()
        if (l === undefined) return
        const [tag] = l.split(' ')
        if (/AUTHENTICATE XOAUTH2$/.test(l)) {
          c.send('+ \r\n')
          payloads.push(unb64((await c.line()) ?? ''))
          c.send(`+ ${b64('{"status":"401","schemes":"bearer"}')}\r\n`)
          payloads.push((await c.line()) ?? '(none)')
          c.send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n`)
        } else c.send(`${tag} OK\r\n`)
      }
    })
    const token = 'ya29.refused-token-123'
    const r = await imapProbe(host, USER, { kind: 'oauth2', accessToken: async () => token })
    expect(r.diagnosis?.code).toBe('oauth-token-refused')
    expect(payloads).toEqual([`user=${USER}\x01auth=Bearer ${token}\x01\x01`, ''])
    expect(JSON.stringify(r)).not.toContain(token)
  })
})

describe('SMTP sign-in on the verified connection', () => {
  function smtpServer(ehlo: string[], onAuth: (c: FakeConn, line: string) => Promise<string>) {
    return async (c: FakeConn): Promise<void> => {
      c.send('220 fake ESMTP\r\n')
      for (;;) {
        const l = await c.line()
        if (l === undefined) return
        if (/^EHLO /i.test(l))
          c.send(['fake', ...ehlo].map((k, i, a) => `250${i === a.length - 1 ? ' ' : '-'}${k}\r\n`).join(''))
        else if (/^AUTH /i.test(l)) c.send(`${await onAuth(c, l)}\r\n`)
        else if (/^QUIT/i.test(l)) {
          c.send('221 bye\r\n')
          c.close()
          return
        } else c.send('502 no\r\n')
      }
    }
  }

  it('AUTH LOGIN where PLAIN is not offered, on the one connection', async () => {
    const got: string[] = []
    const f = await fake(
      'smtp-login.fake.test',
      465,
      smtpServer(['AUTH LOGIN'], async (c, l) => {
        expect(l).toBe('AUTH LOGIN')
        c.send('334 VXNlcm5hbWU6\r\n')
        got.push(unb64((await c.line()) ?? ''))
        c.send('334 UGFzc3dvcmQ6\r\n')
        got.push(unb64((await c.line()) ?? ''))
        return '235 2.7.0 ok'
      })
    )
    const r = await verify(
      {
        address: USER,
        incoming: [],
        outgoing: [settings('smtp', 'smtp-login.fake.test', 465, 'tls')],
        secret: password,
        exceptions: []
      },
      w.ctx()
    )
    expect(r.outgoing?.state).toBe('ok')
    expect(got).toEqual([USER, PASSWORD])
    expect(f.connections).toBe(1)
    expect(r.outgoing?.transcript.filter((l) => l.dir === 'c').map((l) => l.text)).toContain('••••••')
    noSecret(r, PASSWORD)
  })

  it('XOAUTH2 refused with a 334 error challenge ends in oauth-token-refused after an empty answer', async () => {
    const lines: string[] = []
    await fake(
      'smtp-xoauth.fake.test',
      465,
      smtpServer(['AUTH PLAIN LOGIN XOAUTH2'], async (c, l) => {
        lines.push(l)
        c.send(`334 ${b64('{"status":"400","schemes":"Bearer"}')}\r\n`)
        lines.push((await c.line()) ?? '(none)')
        return '535 5.7.8 Username and Password not accepted'
      })
    )
    const token = 'ya29.smtp-token-456'
    const r = await verify(
      {
        address: USER,
        incoming: [],
        outgoing: [settings('smtp', 'smtp-xoauth.fake.test', 465, 'tls')],
        secret: { kind: 'oauth2', accessToken: async () => token },
        exceptions: []
      },
      w.ctx()
    )
    expect(r.diagnosis?.code).toBe('oauth-token-refused')
    expect(unb64(lines[0]!.split(' ')[2]!)).toBe(`user=${USER}\x01auth=Bearer ${token}\x01\x01`)
    expect(lines[1]).toBe('')
    expect(JSON.stringify(r)).not.toContain(token)
  })
})

describe('IMAP and SMTP of one server', () => {
  it("SMTP's sign-in does not wait for IMAP's folder list once IMAP has taken the password", async () => {
    // Events, not timings: SMTP greets only after IMAP has the password, and IMAP answers its
    // folder list only after SMTP has signed in. Had the SMTP sign-in waited for IMAP's whole
    // sign-in (list included), the list would have run into its deadline and come back empty.
    const host = 'both.fake.test'
    const tls = await w.cert([host])
    let imapTookIt!: () => void
    const imapAuthed = new Promise<void>((r) => (imapTookIt = r))
    let smtpTookIt!: () => void
    const smtpAuthed = new Promise<void>((r) => (smtpTookIt = r))
    const imap = await w.fake(host, {
      port: 993,
      tls,
      handler: async (c) => {
        c.send('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n')
        for (;;) {
          const l = await c.line()
          if (l === undefined) return
          const [tag = '', cmd = ''] = l.split(' ')
          if (cmd === 'AUTHENTICATE') {
            c.send(`${tag} OK Logged in\r\n`)
            imapTookIt()
          } else if (cmd === 'LIST') {
            await smtpAuthed
            c.send(`* LIST (\\Sent) "/" Sent\r\n${tag} OK done\r\n`)
          } else c.send(`${tag} OK\r\n`)
        }
      }
    })
    const smtp = smtpScript({
      ehlo: ['AUTH PLAIN'],
      auth: () => {
        smtpTookIt()
        return '235 2.7.0 ok'
      }
    })
    await w.fake(host, { host: imap.host, port: 465, tls, handler: async (c) => imapAuthed.then(() => smtp(c)) })
    const r = await verify(
      {
        address: USER,
        incoming: [settings('imap', host, 993, 'tls')],
        outgoing: [settings('smtp', host, 465, 'tls')],
        secret: password,
        exceptions: []
      },
      w.ctx()
    )
    expect(r.incoming?.state).toBe('ok')
    expect(r.outgoing?.state).toBe('ok')
    expect(r.incoming?.folders).toMatchObject({ sent: 'Sent' })
  })
})

describe('grace period', () => {
  const probe = (tcpMs: number): Probe => ({ steps: [{ name: 'tcp', state: 'ok', ms: tcpMs }] }) as unknown as Probe

  it('is the configured grace on a fast link and four round trips on a slow one', () => {
    expect(graceFor(probe(2), 200)).toBe(200)
    expect(graceFor(probe(600), 200)).toBe(2400)
  })
})
