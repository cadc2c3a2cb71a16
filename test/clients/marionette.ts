// A minimal Marionette client (protocol 3), enough to run privileged scripts in a Gecko
// application: messages are `<length>:<json>`; a command is [0, id, name, params] and its
// answer [1, id, error, result]. https://firefox-source-docs.mozilla.org/testing/marionette/Protocol.html
import { connect, type Socket } from 'node:net'

export interface MarionetteError {
  error: string
  message: string
  stacktrace?: string
}

export class Marionette {
  private buffer = Buffer.alloc(0)
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private greeting?: (v: unknown) => void
  private closed?: Error

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.receive(d))
    const fail = (err: Error): void => {
      this.closed = err
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('marionette connection closed')))
  }

  /** Connects and reads the server's hello ({applicationType, marionetteProtocol}). */
  static async connect(port: number, host = '127.0.0.1'): Promise<Marionette> {
    const socket = connect({ port, host })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const client = new Marionette(socket)
    const hello = (await new Promise<unknown>((resolve) => (client.greeting = resolve))) as {
      marionetteProtocol?: number
    }
    if (hello.marionetteProtocol !== 3) throw new Error(`unexpected Marionette protocol ${JSON.stringify(hello)}`)
    return client
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data])
    for (;;) {
      const colon = this.buffer.indexOf(':')
      if (colon < 0) return
      const length = Number(this.buffer.subarray(0, colon).toString())
      if (this.buffer.length < colon + 1 + length) return
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8')) as unknown
      this.buffer = this.buffer.subarray(colon + 1 + length)
      if (!Array.isArray(message)) {
        this.greeting?.(message)
        this.greeting = undefined
        continue
      }
      const [, id, error, result] = message as [number, number, MarionetteError | null, unknown]
      const w = this.waiting.get(id)
      this.waiting.delete(id)
      if (!w) continue
      if (error)
        w.reject(new Error(`${error.error}: ${error.message}${error.stacktrace ? `\n${error.stacktrace}` : ''}`))
      else w.resolve(result)
    }
  }

  /** Sends one command and waits for its answer. */
  command<T = unknown>(name: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closed) return Promise.reject(this.closed)
    const id = this.nextId++
    const body = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8')
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.socket.write(`${body.length}:`)
      this.socket.write(body)
    })
  }

  /**
   * Runs an async function body in the chrome (privileged) context; `args` are its arguments
   * and what it returns (JSON) is the result. Scripts must finish on their own: the session's
   * script timeout is the bound.
   */
  async chrome<T = unknown>(body: string, args: unknown[] = []): Promise<T> {
    const script = `const resolve = arguments[arguments.length - 1]; const args = arguments[0]; (async () => { ${body}\n })().then((v) => resolve({ ok: v === undefined ? null : v }), (e) => resolve({ error: String(e && e.stack ? e.message + '\\n' + e.stack : e) }))`
    const r = await this.command<{ value: { ok?: T; error?: string } }>('WebDriver:ExecuteAsyncScript', {
      script,
      args: [args],
      newSandbox: false
    })
    if (r.value.error !== undefined) throw new Error(`Thunderbird script failed: ${r.value.error}`)
    return r.value.ok as T
  }

  close(): void {
    this.socket.destroy()
  }
}
