// The second implementation (Cyrus IMAP/POP3 + Postfix submission with Cyrus SASL), which signs
// users in by the local part: settings found by SRV and by guessing verify with the right
// password through the CLI, the card says which form the server wanted, a wrong password costs
// at most two failed sign-ins per protocol in the servers' own logs, and the round trip works.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { createDns } from '../../src/main/net/dns'
import { roundTrip, verify } from '../../src/main/verify'
import { StopMemory } from '../../src/main/verify/stop-memory'
import type { ServerSettings } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import { guessedFor } from './helpers'
import { cliProcess, type CliRun } from '../cli/process'

const bench = inject('bench')
const second = bench.second
const carol = second.users.carol
const ca = [...rootCertificates, bench.ca.certPem]
const dns = createDns({ dnsServers: [bench.dns.server] })
const ctx = () => ({ dns, ca, signal: new AbortController().signal, onProbe: (_p: Probe) => undefined })
let env: NodeJS.ProcessEnv

beforeAll(() => {
  env = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_USER_DATA: mkdtempSync(join(tmpdir(), 'second-')),
    // Nothing answers for these domains but the bench's DNS: the web sources fail fast.
    MAIL_SETUP_ISPDB_URL: 'https://ispdb.invalid/v1.1/'
  }
  delete env.MAIL_SETUP_ISP_DIRS
})

function cli(args: string[], password: string): Promise<CliRun> {
  return cliProcess(args, { env: { ...env, MAIL_SETUP_PASSWORD: password } })
}

function guessed(address: string, domain: string): { incoming: ServerSettings[]; outgoing: ServerSettings[] } {
  const s = guessedFor(address)
  return {
    incoming: [
      s('imap', `imap.${domain}`, 993, 'tls'),
      s('imap', `imap.${domain}`, 143, 'starttls'),
      s('pop3', `pop.${domain}`, 995, 'tls'),
      s('pop3', `pop.${domain}`, 110, 'starttls')
    ],
    outgoing: [s('smtp', `smtp.${domain}`, 465, 'tls'), s('smtp', `smtp.${domain}`, 587, 'starttls')]
  }
}

/**
 * Failed sign-ins in the servers' own logs, per protocol. Cyrus logs a refused AUTHENTICATE
 * PLAIN without the user name ("(-notset-)"), so tests count what a check added (they run one
 * at a time, and nothing else talks to this bench).
 */
async function failuresInLogs(): Promise<Record<string, number>> {
  const counts: Record<string, number> = { imap: 0, pop3: 0, smtp: 0 }
  // Cyrus: "bench-cyrus/imaps[123]: badlogin: localhost [127.0.0.1] PLAIN (-notset-) [SASL(-13): user not found: …]"
  for (const line of (await readFile(second.cyrusLog, 'utf8')).split('\n')) {
    const m = /bench-cyrus\/(imap|pop3)s?\[\d+\]: badlogin: /.exec(line)
    if (m) counts[m[1]!]!++
  }
  // Postfix: "warning: localhost[127.0.0.1]: SASL PLAIN authentication failed: …, sasl_username=carol@other.test"
  for (const line of (await readFile(second.postfixLog, 'utf8')).split('\n'))
    if (/SASL \S+ authentication failed/.test(line)) counts.smtp!++
  return counts
}

/** What `read` returns once the servers have finished writing their logs (two equal reads). */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = ''
  for (let i = 0; i < 30; i++) {
    const now = JSON.stringify(await read())
    if (now === last) break
    last = now
    await new Promise((r) => setTimeout(r, 100))
  }
  return JSON.parse(last) as T
}

/** What `check` cost in failed sign-ins, once the servers have written their logs. */
async function failuresOf(check: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await failuresInLogs()
  await check()
  const after = await settled(failuresInLogs)
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))
}

/**
 * What the rate-limited Postfix listener (syslog name postfix/limited) answered to AUTH, in
 * order: 'refused' for a failed sign-in, 'limited' for "too many AUTH commands".
 */
async function limitedAnswers(): Promise<string[]> {
  const lines = (await readFile(second.postfixLog, 'utf8')).split('\n').filter((l) => l.includes('postfix/limited/'))
  return lines.flatMap((l) =>
    /SASL \S+ authentication failed/.test(l)
      ? ['refused']
      : /AUTH command rate limit exceeded/.test(l)
        ? ['limited']
        : []
  )
}

describe('second implementation: Cyrus IMAP and Postfix, sign-in by local part', () => {
  it('settings found by SRV verify with the right password (CLI), with the local part as user name', async () => {
    const res = await cli(['verify', carol.address, '--json', '--no-save'], carol.password)
    const doc = JSON.parse(res.stdout)
    expect(res.code, res.stderr).toBe(0)
    const v = doc.result.verify
    expect(v.incoming.settings).toMatchObject({ host: second.host, username: carol.login })
    expect(v.incoming.usernameForm).toBe('local-part')
    expect(v.outgoing.settings).toMatchObject({ host: second.host, username: carol.login })
    expect(v.outgoing.usernameForm).toBe('local-part')
    // Cyrus's and Postfix's own refusal of the full address came first, once per protocol.
    expect(JSON.stringify(v.probes)).not.toContain(carol.password)
  })

  it('settings found only by guessing verify too, and the human output names the form', async () => {
    const address = `carol@${second.guessedDomain}`
    // Guessed hosts get a password only with the user's consent (the wizard asks; the CLI flag says so).
    const res = await cli(['verify', address, '--no-save', '--accept-untrusted'], carol.password)
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(
      new RegExp(`Incoming: verified .*imap\\.${second.guessedDomain}.*user carol .*part before the @`)
    )
    expect(res.stdout).toMatch(/Outgoing: verified .*user carol /)
  })

  it("a wrong password costs at most two failed sign-ins per protocol in Cyrus's and Postfix's logs", async () => {
    const local = `c${randomBytes(4).toString('hex')}`
    const address = `${local}@${second.guessedDomain}`
    let r: Awaited<ReturnType<typeof verify>> | undefined
    const spent = await failuresOf(async () => {
      r = await verify(
        {
          address,
          ...guessed(address, second.guessedDomain),
          secret: { kind: 'password', password: 'wrong-password' },
          exceptions: []
        },
        ctx()
      )
    })
    expect(r?.diagnosis?.code).toBe('auth-failed')
    expect(r?.diagnosis?.params?.usernames).toBe(`${address}, ${local}`)
    expect(spent).toEqual({ imap: 2, pop3: 2, smtp: 2 })
  })

  it('the right password with guessed settings costs one refusal per protocol (the address), then signs in', async () => {
    const address = `carol@${second.guessedDomain}`
    let r: Awaited<ReturnType<typeof verify>> | undefined
    const spent = await failuresOf(async () => {
      r = await verify(
        {
          address,
          ...guessed(address, second.guessedDomain),
          secret: { kind: 'password', password: carol.password },
          exceptions: []
        },
        ctx()
      )
    })
    expect(r?.diagnosis).toBeUndefined()
    expect(r?.incoming?.settings.username).toBe('carol')
    // IMAP and SMTP were signed in to; POP3 may have been cut short once IMAP won.
    expect(spent.imap).toBe(1)
    expect(spent.smtp).toBe(1)
    expect(spent.pop3).toBeLessThanOrEqual(1)
  })

  it('the round trip runs through Postfix into Cyrus and back', async () => {
    const address = carol.address
    const v = await verify(
      {
        address,
        ...guessed(address, second.guessedDomain),
        secret: { kind: 'password', password: carol.password },
        exceptions: []
      },
      ctx()
    )
    expect(v.incoming && v.outgoing).toBeTruthy()
    const stages: string[] = []
    const rt = await roundTrip(
      {
        address,
        incoming: v.incoming!.settings,
        outgoing: v.outgoing!.settings,
        secret: { kind: 'password', password: carol.password },
        exceptions: []
      },
      { dns, ca, signal: new AbortController().signal, onStage: (s) => stages.push(s), waitMs: 15_000 }
    )
    expect(rt.diagnosis).toBeUndefined()
    expect(rt).toMatchObject({ ok: true, removed: true })
    expect(stages).toContain('delivered')
  })
})

describe('port 25 as the last resort (Postfix taking STARTTLS and AUTH on 25 only)', () => {
  const outgoingPorts = (probes: Probe[]): number[] =>
    probes.filter((p) => p.role === 'outgoing').map((p) => p.settings.port)

  it('guessing finds and verifies it after 465 and 587 gave no answer, and says networks block 25 (CLI)', async () => {
    const address = `carol@${second.port25Domain}`
    const json = await cli(['verify', address, '--json', '--no-save', '--accept-untrusted'], carol.password)
    expect(json.code, json.stderr).toBe(0)
    const v = JSON.parse(json.stdout).result.verify
    expect(v.outgoing.settings).toMatchObject({
      host: `smtp.${second.port25Domain}`,
      port: 25,
      security: 'starttls',
      username: carol.login
    })
    expect(v.outgoing.usernameForm).toBe('local-part')
    expect(outgoingPorts(v.probes)).toEqual([465, 587, 25])
    const human = await cli(['verify', address, '--no-save', '--accept-untrusted'], carol.password)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Outgoing: verified .*:25 .*STARTTLS/)
    expect(human.stdout).toContain('many networks block port 25')
  })

  it('manual settings try 25 on the typed host only when the typed port gave no answer (CLI)', async () => {
    const address = `carol@${second.port25Domain}`
    const incoming = `--incoming=imaps://imap.${second.port25Domain}`
    const res = await cli(
      ['verify', address, '--json', '--no-save', incoming, `--outgoing=smtp://smtp.${second.port25Domain}:587`],
      carol.password
    )
    expect(res.code, res.stderr).toBe(0)
    const v = JSON.parse(res.stdout).result.verify
    expect(v.outgoing.settings).toMatchObject({ port: 25, security: 'starttls', username: carol.login })
    expect(outgoingPorts(v.probes)).toEqual([587, 25])

    // A typed port that answers is the only one tried.
    const answered = await cli(
      ['verify', address, '--json', '--no-save', incoming, `--outgoing=smtp://${second.host}:587`],
      carol.password
    )
    expect(answered.code, answered.stderr).toBe(0)
    expect(outgoingPorts(JSON.parse(answered.stdout).result.verify.probes)).toEqual([587])
  })
})

describe('a real server that says "slow down": Postfix allowing one AUTH command a minute (anvil)', () => {
  it("the answer ends the check with the server's words: no other user name form is tried after it", async () => {
    const address = `carol@${second.domain}`
    const s = guessedFor(address)
    const check = (settings: ServerSettings) =>
      verify(
        {
          address,
          incoming: [],
          outgoing: [settings],
          secret: { kind: 'password', password: 'wrong-password' },
          exceptions: []
        },
        ctx()
      )
    // The minute's one AUTH: a user name typed by the user, refused.
    const typed = await check({
      ...s('smtp', second.limitedHost, 587, 'starttls'),
      username: 'carol',
      usernameGuessed: false
    })
    expect(typed.diagnosis?.code).toBe('auth-failed')
    expect(await settled(limitedAnswers)).toEqual(['refused'])

    // Now two forms could be tried (the address, then "carol"); the first gets Postfix's 450.
    const r = await check(s('smtp', second.limitedHost, 587, 'starttls'))
    expect(r.diagnosis?.code).toBe('rate-limited')
    expect(r.diagnosis?.serverSays).toMatch(/450 4\.7\.1 Error: too many AUTH commands/)
    expect(r.diagnosis?.params?.usernames).toBe(address)
    expect(await settled(limitedAnswers)).toEqual(['refused', 'limited'])
  })

  it('a session holds the answer: "Check again" right after it sends nothing to the server', async () => {
    const address = `carol@${second.domain}`
    const stops = new StopMemory()
    const check = () =>
      verify(
        {
          address,
          incoming: [],
          outgoing: [guessedFor(address)('smtp', second.limitedHost, 587, 'starttls')],
          secret: { kind: 'password', password: carol.password },
          exceptions: []
        },
        { ...ctx(), stops }
      )
    const before = (await settled(limitedAnswers)).length
    const first = await check()
    expect(first.diagnosis?.code).toBe('rate-limited')
    expect(await settled(limitedAnswers)).toHaveLength(before + 1)
    // Again, in the same session, with the right password: held, not sent.
    const again = await check()
    expect(again.diagnosis?.code).toBe('rate-limited')
    expect(again.diagnosis?.serverSays).toMatch(/too many AUTH commands/)
    expect(again.diagnosis?.detail).toMatch(/^not retried/)
    expect(await settled(limitedAnswers)).toHaveLength(before + 1)
  })
})

describe('honest verdicts', () => {
  it('a domain that publishes nothing and answers on no mail port: no mail service found (CLI)', async () => {
    const res = await cli(
      ['verify', `someone@${bench.noMailDomain}`, '--json', '--no-save', '--accept-untrusted'],
      'any-password'
    )
    const doc = JSON.parse(res.stdout)
    // A discovery failure (exit 3, the catalog's exit for no-mail-service), not a failed sign-in (4).
    expect(res.code).toBe(3)
    expect(doc.error).toMatchObject({ code: 'no-mail-service', params: { domain: bench.noMailDomain } })
    // Port 25 was tried last, after 465 and 587 gave no answer, and said nothing either.
    const ports = (doc.result.verify.probes as Probe[]).filter((p) => p.role === 'outgoing').map((p) => p.settings.port)
    expect(ports).toEqual([465, 587, 25])
  })
})
