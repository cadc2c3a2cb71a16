// Scripted conversations for the fake servers: just enough IMAP, POP3 and SMTP for a client
// to reach the point where the script misbehaves the way a test needs.
import type { FakeConn } from './server'

const b64d = (s: string): string => Buffer.from(s, 'base64').toString('utf8')

export interface ImapScript {
  greeting?: string
  /** Capabilities before and after TLS. */
  caps: string
  capsAfterTls?: string
  starttls?: 'ok' | 'refuse' | 'close'
  /** Tagged reply text (without tag) for LOGIN user pass. */
  login?(user: string, pass: string): string
  /** Tagged reply for AUTHENTICATE mech with its (decoded) payload. */
  authenticate?(mech: string, payload: string): string
}

export function imapScript(s: ImapScript) {
  return async (c: FakeConn): Promise<void> => {
    c.send(`${s.greeting ?? '* OK fake IMAP ready'}\r\n`)
    for (;;) {
      const l = await c.line()
      if (l === undefined) return
      const [tag, cmdRaw, ...rest] = l.split(' ')
      const cmd = (cmdRaw ?? '').toUpperCase()
      if (cmd === 'CAPABILITY') {
        c.send(`* CAPABILITY ${c.encrypted ? (s.capsAfterTls ?? s.caps) : s.caps}\r\n${tag} OK done\r\n`)
      } else if (cmd === 'STARTTLS') {
        if (s.starttls === 'refuse') c.send(`${tag} BAD STARTTLS not now\r\n`)
        else if (s.starttls === 'close') {
          c.send(`${tag} OK begin TLS\r\n`)
          c.socket.once('data', () => c.close())
        } else {
          c.send(`${tag} OK begin TLS\r\n`)
          await c.startTls()
        }
      } else if (cmd === 'LOGIN') {
        const [user = '', pass = ''] = rest.map((x) => x.replace(/^"|"$/g, ''))
        c.send(`${tag} ${s.login ? s.login(user, pass) : 'OK logged in'}\r\n`)
      } else if (cmd === 'AUTHENTICATE') {
        const mech = (rest[0] ?? '').toUpperCase()
        let payload = rest[1]
        if (payload === undefined) {
          c.send('+ \r\n')
          payload = (await c.line()) ?? ''
        }
        const reply = s.authenticate ? s.authenticate(mech, b64d(payload)) : 'OK authenticated'
        if (reply.startsWith('NO') && /XOAUTH2|OAUTHBEARER/.test(mech)) {
          // RFC 7628: the error arrives as a challenge the client answers with an empty line.
          c.send(`+ ${Buffer.from('{"status":"401"}').toString('base64')}\r\n`)
          await c.line()
        }
        c.send(`${tag} ${reply}\r\n`)
      } else if (cmd === 'LOGOUT') {
        c.send(`* BYE bye\r\n${tag} OK bye\r\n`)
        c.close()
        return
      } else if (cmd === 'NAMESPACE') {
        c.send(`* NAMESPACE (("" "/")) NIL NIL\r\n${tag} OK done\r\n`)
      } else c.send(`${tag} OK done\r\n`)
    }
  }
}

export interface Pop3Script {
  capa: string[]
  stls?: 'ok' | 'refuse'
  /** Reply to PASS (after USER) or to AUTH PLAIN. */
  login?(user: string, pass: string): string
  /** Reply to AUTH mech with the decoded initial response. */
  auth?(mech: string, payload: string): string
}

export function pop3Script(s: Pop3Script) {
  return async (c: FakeConn): Promise<void> => {
    c.send('+OK fake POP3 ready\r\n')
    let user = ''
    for (;;) {
      const l = await c.line()
      if (l === undefined) return
      const [cmdRaw, ...rest] = l.split(' ')
      const cmd = (cmdRaw ?? '').toUpperCase()
      if (cmd === 'CAPA') c.send(`+OK\r\n${s.capa.join('\r\n')}\r\n.\r\n`)
      else if (cmd === 'STLS') {
        if (s.stls === 'refuse') c.send('-ERR not now\r\n')
        else {
          c.send('+OK begin TLS\r\n')
          await c.startTls()
        }
      } else if (cmd === 'USER') {
        user = rest.join(' ')
        c.send('+OK\r\n')
      } else if (cmd === 'PASS') c.send(`${s.login ? s.login(user, rest.join(' ')) : '+OK'}\r\n`)
      else if (cmd === 'AUTH') {
        const mech = (rest[0] ?? '').toUpperCase()
        const payload = b64d(rest[1] ?? '')
        if (mech === 'PLAIN') {
          const [, u = '', p = ''] = payload.split('\0')
          c.send(`${s.login ? s.login(u, p) : '+OK'}\r\n`)
        } else {
          const reply = s.auth ? s.auth(mech, payload) : '+OK'
          if (reply.startsWith('-ERR')) {
            c.send(`+ ${Buffer.from('{"status":"401"}').toString('base64')}\r\n`)
            await c.line()
          }
          c.send(`${reply}\r\n`)
        }
      } else if (cmd === 'STAT') c.send('+OK 0 0\r\n')
      else if (cmd === 'QUIT') {
        c.send('+OK bye\r\n')
        c.close()
        return
      } else c.send('-ERR unknown\r\n')
    }
  }
}

export interface SmtpScript {
  greeting?: string
  /** EHLO keywords before and after TLS. */
  ehlo: string[]
  ehloAfterTls?: string[]
  starttls?: 'ok' | 'refuse'
  /** Full reply (may be multi-line, CRLF-separated) to a sign-in with user and password. */
  auth?(user: string, pass: string): string
  /** Takes messages (MAIL, RCPT, DATA) and drops them. */
  accept?: boolean
}

export function smtpScript(s: SmtpScript) {
  return async (c: FakeConn): Promise<void> => {
    c.send(`${s.greeting ?? '220 fake.example ESMTP ready'}\r\n`)
    for (;;) {
      const l = await c.line()
      if (l === undefined) return
      const [cmdRaw, ...rest] = l.split(' ')
      const cmd = (cmdRaw ?? '').toUpperCase()
      if (cmd === 'EHLO') {
        const kw = c.encrypted ? (s.ehloAfterTls ?? s.ehlo) : s.ehlo
        c.send(['fake.example', ...kw].map((k, i, a) => `250${i === a.length - 1 ? ' ' : '-'}${k}\r\n`).join(''))
      } else if (cmd === 'STARTTLS') {
        if (s.starttls === 'refuse') c.send('454 4.7.0 TLS not available due to local problem\r\n')
        else {
          c.send('220 2.0.0 go ahead\r\n')
          await c.startTls()
        }
      } else if (cmd === 'AUTH') {
        const mech = (rest[0] ?? '').toUpperCase()
        let user = ''
        let pass = ''
        if (mech === 'PLAIN') {
          let ir = rest[1]
          if (!ir) {
            c.send('334 \r\n')
            ir = (await c.line()) ?? ''
          }
          ;[, user = '', pass = ''] = b64d(ir).split('\0')
        } else if (mech === 'LOGIN') {
          if (rest[1]) user = b64d(rest[1])
          else {
            c.send('334 VXNlcm5hbWU6\r\n')
            user = b64d((await c.line()) ?? '')
          }
          c.send('334 UGFzc3dvcmQ6\r\n')
          pass = b64d((await c.line()) ?? '')
        } else {
          c.send('504 5.5.4 unrecognized authentication type\r\n')
          continue
        }
        c.send(`${s.auth ? s.auth(user, pass) : '235 2.7.0 Authentication successful'}\r\n`)
      } else if (cmd === 'QUIT') {
        c.send('221 bye\r\n')
        c.close()
        return
      } else if (cmd === 'NOOP' || cmd === 'RSET' || (s.accept && (cmd === 'MAIL' || cmd === 'RCPT')))
        c.send('250 ok\r\n')
      else if (s.accept && cmd === 'DATA') {
        c.send('354 go ahead\r\n')
        for (let d = await c.line(); d !== undefined && d !== '.'; d = await c.line());
        c.send('250 2.0.0 queued\r\n')
      } else c.send('502 5.5.2 command not implemented\r\n')
    }
  }
}
