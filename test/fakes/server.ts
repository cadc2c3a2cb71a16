// Misbehaving servers for verification tests: real sockets on a fresh loopback address and the
// standard port, scripted by the test. Each records what the client sent and whether it
// arrived encrypted, so a test can prove no password crossed a plain connection.
import { createServer, type Server, type Socket } from 'node:net'
import { createSecureContext, TLSSocket } from 'node:tls'
import { allocLoopback } from '../world/addresses'

export interface Received {
  encrypted: boolean
  text: string
}

export interface FakeConn {
  socket: Socket | TLSSocket
  encrypted: boolean
  send(text: string): void
  /** The next line the client sent (without CRLF), or undefined once it closed. */
  line(): Promise<string | undefined>
  startTls(): Promise<void>
  close(): void
}

export interface Fake {
  host: string
  port: number
  received: Received[]
  connections: number
  /** The TLS version of each implicit-TLS handshake that completed, in order (a refused one adds nothing). */
  handshakes: string[]
  /** Everything the client sent over plain connections. */
  plaintext(): string
  /** Everything the client sent, decrypted. */
  all(): string
  close(): Promise<void>
}

export interface FakeOptions {
  host?: string
  port: number
  /** Implicit TLS with this certificate. */
  tls?: { cert: string; key: string }
  /** The highest TLS version offered to the n-th connection (1-based); TLS 1.3 unless it says otherwise. */
  maxTls?: (connection: number) => 'TLSv1.2' | 'TLSv1.3'
  /** Certificate for STARTTLS upgrades. */
  starttls?: { cert: string; key: string }
  handler(conn: FakeConn): Promise<void> | void
}

class Conn implements FakeConn {
  socket: Socket | TLSSocket
  encrypted = false
  private buf = ''
  private lines: string[] = []
  private waiting: ((l: string | undefined) => void) | undefined
  private ended = false
  private readonly onData = (d: Buffer): void => {
    this.record({ encrypted: this.encrypted, text: d.toString('latin1') })
    this.buf += d.toString('latin1')
    let i: number
    while ((i = this.buf.indexOf('\n')) >= 0) {
      this.lines.push(this.buf.slice(0, i).replace(/\r$/, ''))
      this.buf = this.buf.slice(i + 1)
    }
    this.flush()
  }
  private readonly onEnd = (): void => {
    this.ended = true
    this.flush()
  }

  constructor(
    socket: Socket | TLSSocket,
    private readonly record: (r: Received) => void,
    private readonly starttlsCert?: { cert: string; key: string }
  ) {
    this.socket = socket
    this.attach()
  }

  private attach(): void {
    this.socket.on('data', this.onData)
    this.socket.on('end', this.onEnd)
    this.socket.on('close', this.onEnd)
    this.socket.on('error', this.onEnd)
  }

  private flush(): void {
    if (!this.waiting) return
    if (this.lines.length) {
      const w = this.waiting
      this.waiting = undefined
      w(this.lines.shift())
    } else if (this.ended) {
      const w = this.waiting
      this.waiting = undefined
      w(undefined)
    }
  }

  send(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text)
  }

  line(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve
      this.flush()
    })
  }

  async startTls(): Promise<void> {
    if (!this.starttlsCert) throw new Error('no STARTTLS certificate configured')
    this.socket.off('data', this.onData)
    this.socket.off('end', this.onEnd)
    this.socket.off('close', this.onEnd)
    const secure = new TLSSocket(this.socket, { isServer: true, ...this.starttlsCert })
    await new Promise<void>((resolve) => {
      secure.once('secure', () => resolve())
      secure.once('error', () => resolve())
      secure.once('close', () => resolve())
    })
    this.socket = secure
    this.encrypted = true
    this.attach()
  }

  close(): void {
    this.socket.destroy()
  }
}

export async function startFake(opts: FakeOptions): Promise<Fake> {
  const host = opts.host ?? allocLoopback()
  const received: Received[] = []
  const sockets = new Set<Socket>()
  let connections = 0
  const handshakes: string[] = []
  const server: Server = createServer((raw) => {
    const n = ++connections
    sockets.add(raw)
    raw.on('close', () => sockets.delete(raw))
    raw.on('error', () => undefined)
    const run = async (): Promise<void> => {
      let sock: Socket | TLSSocket = raw
      if (opts.tls) {
        const maxVersion = opts.maxTls?.(n) ?? 'TLSv1.3'
        const context = createSecureContext({ ...opts.tls, maxVersion })
        const secure = new TLSSocket(raw, { isServer: true, secureContext: context })
        secure.on('error', () => undefined)
        const ok = await new Promise<boolean>((resolve) => {
          secure.once('secure', () => {
            handshakes.push(secure.getProtocol() ?? '')
            resolve(true)
          })
          secure.once('close', () => resolve(false))
        })
        if (!ok) return
        sock = secure
      }
      const conn = new Conn(sock, (r) => received.push(r), opts.starttls)
      conn.encrypted = Boolean(opts.tls)
      await opts.handler(conn)
    }
    run().catch(() => raw.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, host, () => resolve())
  })
  return {
    host,
    port: opts.port,
    received,
    handshakes,
    get connections() {
      return connections
    },
    plaintext: () =>
      received
        .filter((r) => !r.encrypted)
        .map((r) => r.text)
        .join(''),
    all: () => received.map((r) => r.text).join(''),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
