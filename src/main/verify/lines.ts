// Line-oriented reading and writing over a socket, bounded in line length and total bytes,
// every line recorded (redacted) in the probe's transcript.
import type { Duplex } from 'node:stream'
import { AppError, fail } from '../errors'
import type { ProbeRecorder } from './recorder'
import { MAX_BYTES, MAX_LINE } from './timing'
import { decodeServerBytes } from './decode'
import { checkLine } from './arguments'

export class LineSocket {
  private buf: Buffer = Buffer.alloc(0)
  private readonly lines: string[] = []
  private waiter: { resolve(line: string): void; reject(err: unknown): void } | undefined
  private failure: unknown
  private total = 0
  /** The greeting line, for protocols that carry capabilities in it (IMAP). */
  greeting?: string
  private readonly onData = (chunk: Buffer): void => this.take(chunk)
  private readonly onError = (err: NodeJS.ErrnoException): void => this.stop(err)
  private readonly onClose = (): void =>
    this.stop(new AppError({ code: 'connection-closed', detail: 'the server closed the connection' }))

  constructor(
    readonly socket: Duplex,
    private readonly rec: ProbeRecorder
  ) {
    socket.on('data', this.onData)
    socket.on('error', this.onError)
    socket.on('close', this.onClose)
    socket.on('end', this.onClose)
  }

  private take(chunk: Buffer): void {
    this.total += chunk.length
    if (this.total > MAX_BYTES) {
      return this.stop(new AppError({ code: 'protocol-error', detail: `the server sent more than ${MAX_BYTES} bytes` }))
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    let nl: number
    while ((nl = this.buf.indexOf(0x0a)) >= 0) {
      const raw = this.buf.subarray(0, nl && this.buf[nl - 1] === 0x0d ? nl - 1 : nl)
      this.buf = this.buf.subarray(nl + 1)
      if (raw.length > MAX_LINE) return this.tooLong()
      const line = decodeServerBytes(raw)
      this.rec.line('s', line)
      this.lines.push(line)
    }
    if (this.buf.length > MAX_LINE) return this.tooLong()
    this.flush()
  }

  private tooLong(): void {
    this.rec.line('s', `${decodeServerBytes(this.buf.subarray(0, 200))}… (line longer than ${MAX_LINE} bytes)`)
    this.stop(
      new AppError({ code: 'protocol-error', detail: `a line from the server was longer than ${MAX_LINE} bytes` })
    )
  }

  private stop(err: unknown): void {
    if (this.failure) return
    this.failure = err
    this.flush()
  }

  private flush(): void {
    if (!this.waiter) return
    const w = this.waiter
    if (this.lines.length) {
      this.waiter = undefined
      w.resolve(this.lines.shift()!)
    } else if (this.failure) {
      this.waiter = undefined
      w.reject(this.failure)
    }
  }

  /** The next line, without its CRLF. */
  readLine(signal: AbortSignal): Promise<string> {
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = undefined
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiter = {
        resolve: (l) => {
          signal.removeEventListener('abort', onAbort)
          resolve(l)
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort)
          reject(e)
        }
      }
      this.flush()
    })
  }

  /** Sends one line; `shown` replaces it in the transcript (still redacted) when it carries a secret. */
  write(line: string, shown?: string): void {
    if (this.failure) throw this.failure
    checkLine(line)
    this.rec.line('c', shown ?? line)
    this.socket.write(`${line}\r\n`)
  }

  /** False once the connection failed or the server closed it. */
  alive(): boolean {
    return !this.failure
  }

  /** Still open and nothing unread: a connection a sign-in may start on. */
  reusable(): boolean {
    return this.alive() && !this.pending()
  }

  /** Lines already received and not yet read (a server must not send any before a TLS upgrade). */
  pending(): number {
    return this.lines.length + (this.buf.length ? 1 : 0)
  }

  /** Stops reading this socket so TLS can take it over. */
  detach(): Duplex {
    this.socket.off('data', this.onData)
    this.socket.off('error', this.onError)
    this.socket.off('close', this.onClose)
    this.socket.off('end', this.onClose)
    return this.socket
  }

  close(): void {
    this.detach()
    this.socket.on('error', () => undefined)
    this.socket.destroy()
  }
}

/** Reads lines until `done` says the reply is complete; returns them all. */
export async function readReply(
  io: LineSocket,
  signal: AbortSignal,
  done: (line: string) => boolean,
  maxLines = 500
): Promise<string[]> {
  const out: string[] = []
  for (;;) {
    const line = await io.readLine(signal)
    out.push(line)
    if (done(line)) return out
    if (out.length >= maxLines) fail('protocol-error', { detail: `reply longer than ${maxLines} lines` })
  }
}
