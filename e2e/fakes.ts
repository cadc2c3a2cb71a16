// Misbehaving servers no real one imitates, as real sockets: a TLS front with a certificate
// for another host (relaying to the bench's Dovecot), and a server that accepts and stays silent.
import { createServer, type Server, type Socket } from 'node:net'
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls'
import { X509Certificate } from 'node:crypto'
import type { Bench } from '../test/bench/index'
import { allocLoopback } from '../test/bench/addresses'

export interface Fake {
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
export async function wrongHostImap(bench: Bench, host: string, certName: string): Promise<Fake & { fingerprint256: string }> {
  const address = allocLoopback()
  const cert = await bench.ca.issueCert([certName])
  const sockets = new Set<Socket>()
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (front) => {
    sockets.add(front)
    const back = tlsConnect({ host: bench.mailAddress, port: bench.ports.imaps, servername: bench.mailHost, ca: [bench.ca.certPem] })
    sockets.add(back)
    front.pipe(back).pipe(front)
    const end = (): void => {
      front.destroy()
      back.destroy()
    }
    front.on('error', end).on('close', end)
    back.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(bench.ports.imaps, address, resolve))
  bench.dns.set(host, 'A', [address])
  return { host, address, fingerprint256: new X509Certificate(cert.certPem).fingerprint256, close: closer(server, sockets) }
}

/** `host` resolves to a server that accepts connections on `port` and never says a word. */
export async function silentServer(bench: Bench, host: string, port: number): Promise<Fake> {
  const address = allocLoopback()
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(port, address, resolve))
  bench.dns.set(host, 'A', [address])
  return { host, address, close: closer(server, sockets) }
}
