// Smoke test of the bench itself: every piece other tests rely on, against the real servers.
import { spawn } from 'node:child_process'
import { Resolver } from 'node:dns/promises'
import { stat } from 'node:fs/promises'
import { connect as netConnect, type Socket } from 'node:net'
import { join } from 'node:path'
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { ImapFlow } from 'imapflow'
import keytar from 'keytar'
import nodemailer from 'nodemailer'
import { describe, expect, inject, it } from 'vitest'
import { allocLoopback } from './addresses'
import {
  benchCa,
  envWithoutKeyring,
  keyringAvailable,
  keyringLocked,
  lockKeyring,
  readMailbox,
  readSinkMessages,
  startDnsServer,
  unlockKeyring,
  type BenchInfo
} from './index'

const bench: BenchInfo = inject('bench')
const { alice, bob } = bench.users

function imap(port: number, user = alice, extra: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}): ImapFlow {
  const client = new ImapFlow({
    host: bench.mailAddress,
    servername: 'imap.bench.test',
    port,
    secure: port === bench.ports.imaps,
    doSTARTTLS: port === bench.ports.imap ? true : undefined,
    tls: { ca: [bench.ca.certPem] },
    auth: { user: user.address, pass: user.password },
    logger: false,
    ...extra
  })
  client.on('error', () => undefined)
  return client
}

/** A line-based conversation over a socket: send a line, get the next reply line. */
function lines(socket: Socket | TLSSocket): { next(): Promise<string>; send(line: string): Promise<string> } {
  let buffer = ''
  const waiting: Array<(line: string) => void> = []
  const ready: string[] = []
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    let i: number
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 2)
      const w = waiting.shift()
      if (w) w(line)
      else ready.push(line)
    }
  })
  const next = (): Promise<string> => {
    const line = ready.shift()
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve))
  }
  return {
    next,
    send(line) {
      socket.write(`${line}\r\n`)
      return next()
    }
  }
}

function plainSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // From 127.0.0.1 to the bench address: Dovecot must not count this as a secure connection.
    const s = netConnect({ host: bench.mailAddress, port, localAddress: '127.0.0.1' }, () => resolve(s))
    s.once('error', reject)
  })
}

describe('bench: Dovecot', () => {
  it('logs in over IMAP 993 (TLS) with a certificate from the test CA', async () => {
    const client = imap(bench.ports.imaps)
    await client.connect()
    expect(client.authenticated).toBeTruthy()
    const box = await client.mailboxOpen('INBOX')
    expect(box.path).toBe('INBOX')
    await client.logout()
  })

  it('logs in over IMAP 143 after STARTTLS', async () => {
    const client = imap(bench.ports.imap)
    await client.connect()
    // Dovecot refuses LOGIN before TLS, so being logged in on 143 proves the upgrade happened.
    expect(client.authenticated).toBeTruthy()
    expect(client.secureConnection).toBe(true)
    await client.logout()
  })

  it('logs in over POP3 995 (TLS)', async () => {
    const socket = tlsConnect({
      host: bench.mailAddress,
      port: bench.ports.pop3s,
      servername: 'pop.bench.test',
      ca: [bench.ca.certPem]
    })
    const pop = lines(socket)
    expect(await pop.next()).toMatch(/^\+OK/)
    expect(await pop.send(`USER ${alice.address}`)).toMatch(/^\+OK/)
    expect(await pop.send(`PASS ${alice.password}`)).toMatch(/^\+OK/)
    expect(await pop.send('STAT')).toMatch(/^\+OK \d+ \d+/)
    await pop.send('QUIT')
    socket.destroy()
  })

  it('refuses a plaintext IMAP LOGIN without STARTTLS from another loopback address', async () => {
    const socket = await plainSocket(bench.ports.imap)
    const conv = lines(socket)
    expect(await conv.next()).toMatch(/^\* OK .*LOGINDISABLED/)
    let reply = await conv.send(`a1 LOGIN ${alice.address} ${alice.password}`)
    while (reply.startsWith('* ')) reply = await conv.next() // e.g. "* BAD [ALERT] Plaintext authentication not allowed"
    expect(reply).toMatch(/^a1 (NO|BAD)/)
    socket.destroy()
  })

  it('refuses a plaintext POP3 login without STLS', async () => {
    const socket = await plainSocket(bench.ports.pop3)
    const conv = lines(socket)
    expect(await conv.next()).toMatch(/^\+OK/)
    const user = await conv.send(`USER ${alice.address}`)
    const refused = user.startsWith('-ERR') || (await conv.send(`PASS ${alice.password}`)).startsWith('-ERR')
    expect(refused).toBe(true)
    socket.destroy()
  })

  it('refuses a wrong password, and the next correct logins are not penalised', async () => {
    // The anvil penalty listener is unusable (mode 0: Dovecot does not even create it), so
    // failed logins never delay later ones.
    const penalty = await stat(join(bench.dir, 'dovecot', 'run', 'anvil-auth-penalty')).catch(() => null)
    expect(penalty === null || (penalty.mode & 0o777) === 0).toBe(true)
    for (let i = 0; i < 4; i++) {
      const bad = imap(bench.ports.imaps, { ...alice, password: 'wrong-password' })
      const err = (await bad.connect().then(
        () => null,
        (e: unknown) => e
      )) as { authenticationFailed?: boolean } | null
      expect(err?.authenticationFailed).toBe(true)
    }
    // With the penalty this login would wait 15 s (past the test timeout); without it, it is immediate.
    const good = imap(bench.ports.imaps)
    await good.connect()
    expect(good.authenticated).toBeTruthy()
    await good.logout()
  })

  it('sends through submission 587 (STARTTLS + AUTH) and the message arrives over IMAP', async () => {
    const subject = `bench round trip ${Date.now()}`
    const transport = nodemailer.createTransport({
      host: bench.mailAddress,
      port: bench.ports.submission,
      secure: false,
      requireTLS: true,
      auth: { user: alice.address, pass: alice.password },
      tls: { ca: [bench.ca.certPem], servername: 'smtp.bench.test' }
    })
    const sent = await transport.sendMail({ from: alice.address, to: bob.address, subject, text: 'hello bob' })
    expect(sent.accepted).toEqual([bob.address])
    transport.close()

    const sink = await readSinkMessages(bench)
    expect(sink.some((m) => m.to.includes(bob.address) && m.raw.includes(subject))).toBe(true)
    expect((await readMailbox(bench.mailRoot, 'bob')).some((m) => m.subject === subject)).toBe(true)

    const client = imap(bench.ports.imaps, bob)
    await client.connect()
    await client.mailboxOpen('INBOX')
    const found = await client.search({ subject })
    expect(found && found.length).toBe(1)
    await client.logout()
  })

  it('also accepts submission on 465 (implicit TLS)', async () => {
    const transport = nodemailer.createTransport({
      host: bench.mailAddress,
      port: bench.ports.submissions,
      secure: true,
      auth: { user: bob.address, pass: bob.password },
      tls: { ca: [bench.ca.certPem], servername: 'mail.bench.test' }
    })
    await expect(transport.verify()).resolves.toBe(true)
    transport.close()
  })
})

describe('bench: DNS', () => {
  const resolver = (server: string): Resolver => {
    const r = new Resolver({ timeout: 2000, tries: 1 })
    r.setServers([server])
    return r
  }

  it('answers A, MX and SRV for bench.test', async () => {
    const r = resolver(bench.dns.server)
    for (const name of ['mail', 'imap', 'pop', 'smtp'])
      expect(await r.resolve4(`${name}.bench.test`)).toEqual([bench.mailAddress])
    expect(await r.resolveMx('bench.test')).toEqual([{ exchange: 'mail.bench.test', priority: 10 }])
    const srv = await r.resolveSrv('_imaps._tcp.bench.test')
    expect(srv).toEqual([{ name: 'mail.bench.test', port: 993, priority: 0, weight: 1 }])
    expect((await r.resolveSrv('_submission._tcp.bench.test'))[0]?.port).toBe(587)
  })

  it('answers NXDOMAIN for unknown names and NODATA for missing types', async () => {
    const r = resolver(bench.dns.server)
    await expect(r.resolve4('nothing.bench.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    await expect(r.resolve6('mail.bench.test')).rejects.toMatchObject({ code: 'ENODATA' })
  })

  it('a test-owned server takes records at runtime (AAAA, TXT, CNAME) and faults', async () => {
    const dns = await startDnsServer({ 'x.test': { A: ['192.0.2.1'] } }, { address: allocLoopback(), port: 0 })
    try {
      const r = resolver(dns.server)
      dns.set('x.test', 'AAAA', ['2001:db8::1'])
      dns.set('x.test', 'TXT', ['hello'])
      dns.set('alias.test', 'CNAME', ['x.test'])
      expect(await r.resolve6('x.test')).toEqual(['2001:db8::1'])
      expect(await r.resolveTxt('x.test')).toEqual([['hello']])
      expect(await r.resolve4('alias.test')).toEqual(['192.0.2.1'])
      dns.set('x.test', 'A', ['192.0.2.2'])
      expect(await r.resolve4('x.test')).toEqual(['192.0.2.2'])
      dns.fault('x.test', 'servfail')
      await expect(r.resolve4('x.test')).rejects.toMatchObject({ code: 'ESERVFAIL' })
      expect(dns.queries).toContain('x.test A')
    } finally {
      await dns.stop()
    }
  })
})

describe('bench: test CA', () => {
  async function handshake(
    opts: Parameters<Awaited<ReturnType<typeof benchCa>>['issueCert']>[1],
    names = ['good.bench.test'],
    servername = 'good.bench.test'
  ): Promise<string> {
    const ca = await benchCa(bench)
    const cert = await ca.issueCert(names, opts)
    const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (s) => s.end())
    server.on('tlsClientError', () => undefined)
    const host = allocLoopback()
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    const port = (server.address() as { port: number }).port
    try {
      return await new Promise<string>((resolve) => {
        const s = tlsConnect({ host, port, servername, ca: [bench.ca.certPem] }, () => {
          s.destroy()
          resolve('ok')
        })
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
      })
    } finally {
      server.close()
    }
  }

  it('issues certificates that verify, and bad ones that fail the way real ones do', async () => {
    expect(await handshake({})).toBe('ok')
    expect(await handshake({ expired: true })).toBe('CERT_HAS_EXPIRED')
    expect(await handshake({ notYetValid: true })).toBe('CERT_NOT_YET_VALID')
    expect(await handshake({ selfSigned: true })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
    expect(await handshake({ untrustedCa: true })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(await handshake({}, ['other.bench.test'])).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
  })
})

describe('bench: Secret Service', () => {
  const service = bench.env.MAIL_SETUP_KEYCHAIN_SERVICE!

  it('keytar stores and reads a password in the real gnome-keyring', async () => {
    expect(await keyringAvailable()).toBe(true)
    await keytar.setPassword(service, alice.address, alice.password)
    expect(await keytar.getPassword(service, alice.address)).toBe(alice.password)
    expect(await keytar.deletePassword(service, alice.address)).toBe(true)
  })

  it('locks and unlocks the keyring; items survive', async () => {
    await keytar.setPassword(service, bob.address, bob.password)
    await lockKeyring()
    expect(await keyringLocked()).toBe(true)
    // Locked: reads cannot succeed (libsecret's unlock prompt cannot be shown headless).
    expect(await keytar.getPassword(service, bob.address)).toBeNull()
    await unlockKeyring()
    expect(await keyringLocked()).toBe(false)
    expect(await keytar.getPassword(service, bob.address)).toBe(bob.password)
    await keytar.deletePassword(service, bob.address)
  })

  it('envWithoutKeyring() gives a process with no Secret Service at all', async () => {
    const script = `require('keytar').getPassword('x', 'y').then(() => console.log('found'), (e) => console.log('error: ' + e.message))`
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', script], {
        env: envWithoutKeyring(),
        stdio: ['ignore', 'pipe', 'ignore']
      })
      let text = ''
      child.stdout.on('data', (d: Buffer) => (text += d.toString()))
      child.on('exit', () => resolve(text.trim()))
    })
    expect(out).toMatch(/^error: .*D-Bus/)
    expect(await keyringAvailable(envWithoutKeyring())).toBe(false)
  })
})
