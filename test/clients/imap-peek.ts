// A few raw IMAP commands on a connection of the test's own, to see a server's state without
// the app's code or the client's: its LIST lines as sent, and the subjects in one mailbox.
import { connect } from 'node:tls'

export interface ImapLogin {
  /** Host name (TLS server name) and the address it is at on the bench. */
  host: string
  address: string
  user: string
  password: string
  ca: string
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`

/** Signs in on 993, runs the commands in turn and returns each one's lines (untagged and tagged). */
export async function imapCommands(login: ImapLogin, commands: string[]): Promise<string[][]> {
  const socket = connect({ host: login.address, port: 993, servername: login.host, ca: [login.ca] })
  const lines: string[] = []
  let buffer = ''
  const waiters: Array<() => void> = []
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('latin1')
    let nl
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      lines.push(buffer.slice(0, nl))
      buffer = buffer.slice(nl + 2)
    }
    waiters.splice(0).forEach((w) => w())
  })
  const closed = new Promise<never>((_, reject) => {
    socket.once('error', reject)
    socket.once('close', () => reject(new Error(`IMAP connection closed: ${lines.slice(-3).join(' | ')}`)))
  })
  const until = async (test: (l: string) => boolean): Promise<number> => {
    for (;;) {
      const i = lines.findIndex(test)
      if (i >= 0) return i
      await Promise.race([new Promise<void>((r) => waiters.push(r)), closed])
    }
  }
  try {
    await until((l) => l.startsWith('* OK'))
    lines.length = 0
    const out: string[][] = []
    const all = [`LOGIN ${quote(login.user)} ${quote(login.password)}`, ...commands]
    for (const [i, command] of all.entries()) {
      const tag = `t${i}`
      socket.write(`${tag} ${command}\r\n`)
      const end = await until((l) => l.startsWith(`${tag} `))
      const reply = lines.splice(0, end + 1)
      if (i === 0 && !/^t0 OK/.test(reply.at(-1)!)) throw new Error(`IMAP sign-in refused: ${reply.at(-1)}`)
      if (i > 0) out.push(reply)
    }
    return out
  } finally {
    socket.end('z LOGOUT\r\n')
  }
}

/** The server's `* LIST` lines for `LIST "" "*"`, as sent. */
export async function serverList(login: ImapLogin): Promise<string[]> {
  const [list] = await imapCommands(login, ['LIST "" "*"'])
  return list!.filter((l) => /^\* LIST /.test(l))
}

/** Subjects of the messages in a mailbox (its name as the server sends it). */
export async function mailboxSubjects(login: ImapLogin, mailbox: string): Promise<string[]> {
  const [, fetch] = await imapCommands(login, [
    `EXAMINE ${quote(mailbox)}`,
    'FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'
  ])
  return fetch!.flatMap((l) => /^Subject: (.*)$/i.exec(l)?.[1]?.trim() ?? [])
}
