// Misbehaving hosts no real server imitates, as real sockets named in a world's DNS: TLS fronts
// with a certificate for another host (relaying to the bench's Dovecot), a server that accepts
// and stays silent, and an SMTP server that offers no encryption at all. Used by the vitest
// tests and the Playwright e2e alike: a world here is anything with a DNS and the test CA.
import type { Server, Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls'
import { X509Certificate } from 'node:crypto'
import type { Bench } from '../world/index'
import { allocLoopback } from '../world/addresses'
import { startFake } from './server'
import { PORTS } from '../world/dovecot'

/** What a host joins: a DNS that names it, the test CA that signs its certificate. */
export type Joined = Pick<Bench, 'dns' | 'ca'>
/** For fronts: also the bench's Dovecot behind them. */
export type WithDovecot = Joined & Pick<Bench, 'mailAddress' | 'mailHost'>

export interface NamedFake {
  host: string
  address: string
  close(): Promise<void>
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
}

/** `host` resolves to a TLS server whose certificate names only `certName`; behind it, Dovecot's IMAPS. */
export async function wrongHostImap(
  bench: WithDovecot,
  host: string,
  certName: string
): Promise<NamedFake & { fingerprint256: string }> {
  const front = await tlsFront(bench, [host], certName, [PORTS.imaps])
  return { ...front, host }
}

/**
 * Every name in `hosts` resolves to one address whose TLS servers on `ports` all present one
 * certificate naming only `certName`; behind each, Dovecot's service on the same port.
 */
export async function tlsFront(
  bench: WithDovecot,
  hosts: string[],
  certName: string,
  ports: number[]
): Promise<NamedFake & { fingerprint256: string }> {
  const address = allocLoopback()
  const cert = await bench.ca.issueCert([certName])
  const sockets = new Set<Socket>()
  const servers = ports.map((port) =>
    createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (front) => {
      sockets.add(front)
      const back = tlsConnect({ host: bench.mailAddress, port, servername: bench.mailHost, ca: [bench.ca.certPem] })
      sockets.add(back)
      front.pipe(back).pipe(front)
      const end = (): void => {
        front.destroy()
        back.destroy()
      }
      front.on('error', end).on('close', end)
      back.on('error', end).on('close', end)
    })
  )
  for (const [i, server] of servers.entries())
    await new Promise<void>((resolve) => server.listen(ports[i], address, resolve))
  for (const host of hosts) bench.dns.set(host, 'A', [address])
  const closers = servers.map((server) => closer(server, sockets))
  return {
    host: hosts[0]!,
    address,
    fingerprint256: new X509Certificate(cert.certPem).fingerprint256,
    close: async () => {
      await Promise.all(closers.map((c) => c()))
    }
  }
}

/** `host` resolves to a server that accepts connections on `port` and never says a word. */
export async function silentServer(world: Joined, host: string, port: number): Promise<NamedFake> {
  const fake = await startFake({ port, handler: () => new Promise<void>(() => undefined) })
  world.dns.set(host, 'A', [fake.host])
  return { host, address: fake.host, close: fake.close }
}

export interface PlaintextSmtp extends NamedFake {
  /** Connections the server accepted (the app did talk to it). */
  connections: number
  /** Every sign-in attempt that reached the server, with the password as it crossed the wire. */
  logins: Array<{ port: number; username: string; password: string }>
}

/**
 * `host` resolves to an SMTP server on each of `ports` that never offers STARTTLS and takes
 * AUTH PLAIN/LOGIN over the bare connection, accepting `user`'s password.
 */
export async function plaintextSmtp(
  bench: Joined,
  host: string,
  user: { address: string; password: string },
  ports: number[]
): Promise<PlaintextSmtp> {
  const address = allocLoopback()
  const fake: PlaintextSmtp = { host, address, connections: 0, logins: [], close: async () => undefined }
  const servers = ports.map(
    (port) =>
      new SMTPServer({
        secure: false,
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        authMethods: ['PLAIN', 'LOGIN'],
        logger: false,
        banner: 'plaintext-only test server',
        onConnect(_session, callback) {
          fake.connections++
          callback()
        },
        onAuth(auth, _session, callback) {
          fake.logins.push({ port, username: auth.username ?? '', password: auth.password ?? '' })
          if (auth.username === user.address && auth.password === user.password)
            return callback(null, { user: auth.username })
          callback(new Error('Invalid username or password'))
        }
      })
  )
  for (const [i, server] of servers.entries()) {
    server.on('error', () => undefined)
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject)
      server.listen(ports[i], address, () => resolve())
    })
  }
  bench.dns.set(host, 'A', [address])
  fake.close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  }
  return fake
}
