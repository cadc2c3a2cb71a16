// Lockout safety, counted where it matters: in the real servers' own logs. One wrong password
// across a whole check costs at most two failed sign-ins per server and protocol, however many
// ports and host names lead to that server, and the user name forms are tried only after a
// refusal. Dovecot here (it wants the full address); the second implementation's bench has
// its own file (test/verify/cyrus-postfix.test.ts).
import { describe, expect, inject, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { rootCertificates } from 'node:tls'
import { createDns } from '../../src/main/net/dns'
import { verify } from '../../src/main/verify'
import type { ServerSettings } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import { guessedFor } from './helpers'

const bench = inject('bench')
const ca = [...rootCertificates, bench.ca.certPem]
const dns = createDns({ dnsServers: [bench.dns.server] })
const ctx = () => ({ dns, ca, signal: new AbortController().signal, onProbe: (_p: Probe) => undefined })

function guessed(address: string): { incoming: ServerSettings[]; outgoing: ServerSettings[] } {
  const s = guessedFor(address)
  const d = bench.domain
  return {
    // Three names for the one server, as guessing finds them.
    incoming: [
      s('imap', `imap.${d}`, 993, 'tls'),
      s('imap', `imap.${d}`, 143, 'starttls'),
      s('imap', `mail.${d}`, 993, 'tls'),
      s('imap', `mail.${d}`, 143, 'starttls'),
      s('pop3', `pop.${d}`, 995, 'tls'),
      s('pop3', `mail.${d}`, 110, 'starttls')
    ],
    outgoing: [
      s('smtp', `smtp.${d}`, 465, 'tls'),
      s('smtp', `smtp.${d}`, 587, 'starttls'),
      s('smtp', `mail.${d}`, 587, 'starttls')
    ]
  }
}

/**
 * Failed sign-ins Dovecot logged for user names containing `who`, per protocol: the login
 * processes log "Disconnected (auth failed, N attempts …): user=<…>" when a session ends.
 */
export async function dovecotFailures(log: string, who: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const line of (await readFile(log, 'utf8')).split('\n')) {
    if (!line.includes(who)) continue
    const m = /(imap|pop3|submission)-login: .*?\((?:auth failed|.*?), (\d+) attempts? in/.exec(line)
    if (m && /auth failed|attempts/.test(line)) counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2])
  }
  return counts
}

async function settledFailures(log: string, who: string): Promise<Record<string, number>> {
  // Login processes write their line when the connection closes, a moment after our side.
  let last = ''
  for (let i = 0; i < 40; i++) {
    const now = JSON.stringify(await dovecotFailures(log, who))
    if (now === last && now !== '{}') break
    last = now
    await new Promise((r) => setTimeout(r, 100))
  }
  return JSON.parse(last) as Record<string, number>
}

describe('lockout safety against Dovecot', () => {
  it("a wrong password costs at most two failed sign-ins per protocol, counted in Dovecot's log", async () => {
    const local = `nobody-${randomBytes(4).toString('hex')}`
    const address = `${local}@${bench.domain}`
    const r = await verify(
      { address, ...guessed(address), secret: { kind: 'password', password: 'wrong-password' }, exceptions: [] },
      ctx()
    )
    expect(r.diagnosis?.code).toBe('auth-failed')
    // Both forms were tried: the address and then the local part.
    expect(r.diagnosis?.params?.usernames).toBe(`${address}, ${local}`)
    const counts = await settledFailures(bench.dovecot.log, local)
    expect(counts).toEqual({ imap: 2, pop3: 2, submission: 2 })
  })

  it('the right password signs in with the address at once: no failed sign-in at all', async () => {
    const { address, password } = bench.users.alice
    const r = await verify(
      { address, ...guessed(address), secret: { kind: 'password', password }, exceptions: [] },
      ctx()
    )
    expect(r.diagnosis).toBeUndefined()
    expect(r.incoming?.usernameForm).toBe('address')
    expect(r.incoming?.settings.username).toBe(address)
    expect(r.incoming?.settings.usernameGuessed).toBeUndefined()
    expect(r.outgoing?.usernameForm).toBe('address')
  })

  it('a user name the user typed is the only one tried', async () => {
    const { address } = bench.users.alice
    const local = `typed-${randomBytes(4).toString('hex')}`
    const typed: ServerSettings = {
      protocol: 'imap',
      host: bench.mailHost,
      port: 993,
      security: 'tls',
      username: `${local}@${bench.domain}`,
      auth: ['password-cleartext']
    }
    const r = await verify(
      { address, incoming: [typed], outgoing: [], secret: { kind: 'password', password: 'wrong' }, exceptions: [] },
      ctx()
    )
    expect(r.diagnosis?.code).toBe('auth-failed')
    expect(await settledFailures(bench.dovecot.log, local)).toEqual({ imap: 1 })
  })
})
