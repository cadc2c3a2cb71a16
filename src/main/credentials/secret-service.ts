// Whether the Secret Service collection keytar writes to (the `default` alias, usually "Login")
// is locked, read from its `Locked` property on the session bus. libsecret answers a lookup in a
// locked collection as "nothing found", without an error, when it cannot show an unlock prompt
// or the user dismissed it; a read that finds nothing asks here before saying nothing is kept.
// Read-only: no prompt, no write, no D-Bus activation of a second keyring daemon.
//
// A minimal D-Bus client for that one question (one connection, EXTERNAL auth, Hello, then per
// question ReadAlias and one Properties.Get; the D-Bus Specification's wire format,
// little-endian). Every answer it does not
// understand, and every failure, is `undefined` ("cannot tell"), never an exception.
import { existsSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'

const SERVICE_PATH = '/org/freedesktop/secrets'
const TIMEOUT_MS = 2000
/** More than any reply to these two calls; a bus that sends more is not answering them. */
const MAX_BYTES = 64 * 1024

/**
 * True when the default collection is locked, false when it is open, undefined when there is no
 * session bus or Secret Service to ask, or the answer cannot be read (macOS and Windows too: their
 * keychains prompt or report a locked keychain themselves).
 */
export async function defaultCollectionLocked(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = TIMEOUT_MS
): Promise<boolean | undefined> {
  if (process.platform === 'darwin' || process.platform === 'win32') return undefined
  const path = sessionBusPath(env)
  const uid = process.getuid?.()
  if (!path || uid === undefined) return undefined
  return ask(path, uid, timeoutMs).catch(() => undefined)
}

/** The session bus socket: DBUS_SESSION_BUS_ADDRESS's first unix path, else $XDG_RUNTIME_DIR/bus (as GDBus). */
export function sessionBusPath(env: NodeJS.ProcessEnv): string | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS
  if (address) {
    for (const entry of address.split(';')) {
      const colon = entry.indexOf(':')
      if (entry.slice(0, colon) !== 'unix') continue
      const keys = new Map(
        entry
          .slice(colon + 1)
          .split(',')
          .map((kv) => {
            const eq = kv.indexOf('=')
            return [kv.slice(0, eq), unescape(kv.slice(eq + 1))] as const
          })
      )
      const path = keys.get('path')
      if (path) return path
      // Linux abstract socket names: Node reaches them with a leading NUL.
      const abstract = keys.get('abstract')
      if (abstract) return `\0${abstract}`
    }
    return undefined
  }
  const fallback = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : undefined
  return fallback && existsSync(fallback) ? fallback : undefined
}

function unescape(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

const HELLO_SERIAL = 1

/**
 * One connection per bus for the life of the process, as libsecret keeps its own: gnome-keyring
 * 42 keeps per-caller state for every connection and crashes when callers come and go quickly
 * (a connection per question, with keytar busy on the same daemon, killed it within seconds here).
 */
const buses = new Map<string, Bus>()

class Bus {
  private readonly socket: Socket
  private buf = Buffer.alloc(0)
  private authed = false
  private serial = HELLO_SERIAL
  private readonly pending = new Map<number, (msg: Message | undefined) => void>()
  /** Questions asked before the bus let us in, sent once it has. */
  private readonly queued: Buffer[] = []

  constructor(
    private readonly path: string,
    uid: number
  ) {
    this.socket = connect(path)
    // Held for the next question, never keeping the process alive: a question's own timer does.
    this.socket.unref()
    this.socket.once('connect', () =>
      this.socket.write(Buffer.from(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`, 'latin1'))
    )
    this.socket.on('data', (d: Buffer) => this.read(d))
    this.socket.once('error', () => this.close())
    this.socket.once('close', () => this.close())
  }

  /** The reply to one call, or undefined when none comes within `timeoutMs` or the bus goes. */
  call(build: (serial: number) => Buffer, timeoutMs: number): Promise<Message | undefined> {
    const serial = ++this.serial
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A bus that does not answer in time is not asked again on this connection.
        this.pending.delete(serial)
        resolve(undefined)
        this.close()
      }, timeoutMs)
      this.pending.set(serial, (msg) => {
        clearTimeout(timer)
        resolve(msg)
      })
      const bytes = build(serial)
      if (this.authed) this.socket.write(bytes)
      else this.queued.push(bytes)
    })
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d])
    if (this.buf.length > MAX_BYTES) return this.close()
    if (!this.authed) {
      const end = this.buf.indexOf('\r\n')
      if (end < 0) return
      if (!this.buf.subarray(0, end).toString('latin1').startsWith('OK ')) return this.close()
      this.buf = this.buf.subarray(end + 2)
      this.authed = true
      const hello = methodCall(
        HELLO_SERIAL,
        'org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus',
        'Hello'
      )
      this.socket.write(Buffer.concat([Buffer.from('BEGIN\r\n', 'latin1'), hello, ...this.queued.splice(0)]))
    }
    for (;;) {
      const msg = nextMessage(this.buf)
      if (msg === 'incomplete') return
      if (msg === 'bad') return this.close()
      this.buf = this.buf.subarray(msg.length)
      if (msg.replySerial === undefined) continue
      const answer = this.pending.get(msg.replySerial)
      this.pending.delete(msg.replySerial)
      answer?.(msg)
    }
  }

  private close(): void {
    if (buses.get(this.path) === this) buses.delete(this.path)
    this.socket.destroy()
    for (const answer of this.pending.values()) answer(undefined)
    this.pending.clear()
  }
}

async function ask(path: string, uid: number, timeoutMs: number): Promise<boolean | undefined> {
  let bus = buses.get(path)
  if (!bus) buses.set(path, (bus = new Bus(path, uid)))
  // The alias is read with ReadAlias, not through its /aliases/ path: gnome-keyring 42 rewrites
  // such paths on its D-Bus thread, reading the alias table its main thread replaces whenever a
  // new client connects (a race we stay out of).
  const alias = await bus.call(
    (serial) =>
      methodCall(serial, 'org.freedesktop.secrets', SERVICE_PATH, 'org.freedesktop.Secret.Service', 'ReadAlias', [
        'default'
      ]),
    timeoutMs
  )
  const collection = alias?.type === METHOD_RETURN ? objectPath(alias) : undefined
  if (!collection || collection === '/') return undefined
  const msg = await bus.call(
    (serial) =>
      methodCall(serial, 'org.freedesktop.secrets', collection, 'org.freedesktop.DBus.Properties', 'Get', [
        'org.freedesktop.Secret.Collection',
        'Locked'
      ]),
    timeoutMs
  )
  return msg?.type === METHOD_RETURN ? variantBoolean(msg) : undefined
}

const METHOD_CALL = 1
const METHOD_RETURN = 2
/** Do not start the service for this call: an absent keyring is "cannot tell", not a new daemon. */
const NO_AUTO_START = 0x2

/** Writes D-Bus values with alignment counted from the message's first byte. */
class Writer {
  private bytes: number[] = []
  get length(): number {
    return this.bytes.length
  }
  pad(n: number): void {
    while (this.bytes.length % n) this.bytes.push(0)
  }
  byte(b: number): void {
    this.bytes.push(b & 0xff)
  }
  u32(v: number): void {
    this.pad(4)
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff)
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8')
    this.u32(b.length)
    this.bytes.push(...b, 0)
  }
  signature(s: string): void {
    this.byte(s.length)
    this.bytes.push(...Buffer.from(s, 'latin1'), 0)
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes)
  }
}

function methodCall(
  serial: number,
  destination: string,
  path: string,
  iface: string,
  member: string,
  args: string[] = []
): Buffer {
  const body = new Writer()
  for (const a of args) body.string(a)
  const fields = new Writer()
  const field = (code: number, sig: string, write: (w: Writer) => void): void => {
    fields.pad(8)
    fields.byte(code)
    fields.signature(sig)
    write(fields)
  }
  // Field offsets count from the message start: the array's items begin at byte 16 (8-aligned).
  field(1, 'o', (w) => w.string(path))
  field(2, 's', (w) => w.string(iface))
  field(3, 's', (w) => w.string(member))
  field(6, 's', (w) => w.string(destination))
  if (args.length) field(8, 'g', (w) => w.signature('s'.repeat(args.length)))
  const head = new Writer()
  head.byte(0x6c) // 'l': little-endian
  head.byte(METHOD_CALL)
  head.byte(NO_AUTO_START)
  head.byte(1)
  head.u32(body.length)
  head.u32(serial)
  head.u32(fields.length)
  const fieldBytes = fields.buffer()
  const headerLength = 16 + fieldBytes.length
  const padding = Buffer.alloc((8 - (headerLength % 8)) % 8)
  return Buffer.concat([head.buffer(), fieldBytes, padding, body.buffer()])
}

interface Message {
  type: number
  little: boolean
  replySerial?: number
  body: Buffer
  length: number
}

/** The first whole message in `buf`, 'incomplete' when more bytes are needed, 'bad' when it cannot be one. */
export function nextMessage(buf: Buffer): Message | 'incomplete' | 'bad' {
  if (buf.length < 16) return 'incomplete'
  const little = buf[0] === 0x6c
  if (!little && buf[0] !== 0x42) return 'bad'
  const u32 = (at: number): number => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at))
  const bodyLength = u32(4)
  const fieldsLength = u32(12)
  if (bodyLength > MAX_BYTES || fieldsLength > MAX_BYTES) return 'bad'
  const bodyStart = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8)
  const length = bodyStart + bodyLength
  if (buf.length < length) return 'incomplete'
  let replySerial: number | undefined
  let at = 16
  const end = 16 + fieldsLength
  while (at < end) {
    at += (8 - (at % 8)) % 8
    const code = buf[at]!
    const sigLength = buf[at + 1]!
    const sig = buf.toString('latin1', at + 2, at + 2 + sigLength)
    at += 3 + sigLength
    if (sig === 'u' || sig === 'i') {
      at += (4 - (at % 4)) % 4
      if (code === 5) replySerial = u32(at)
      at += 4
    } else if (sig === 's' || sig === 'o') {
      at += (4 - (at % 4)) % 4
      at += 4 + u32(at) + 1
    } else if (sig === 'g') {
      at += 1 + buf[at]! + 1
    } else return 'bad'
    if (at > end) return 'bad'
  }
  return { type: buf[1]!, little, replySerial, body: buf.subarray(bodyStart, length), length }
}

/** A Properties.Get answer: a variant holding a boolean (signature "b", then a 4-byte 0 or 1). */
/** A ReadAlias answer: one object path (signature "o": a 4-byte length, the path, a NUL). */
function objectPath({ body, little }: Message): string | undefined {
  if (body.length < 5) return undefined
  const length = little ? body.readUInt32LE(0) : body.readUInt32BE(0)
  if (length > 1024 || body.length < 4 + length + 1) return undefined
  const path = body.toString('latin1', 4, 4 + length)
  // What a collection's path may hold (the D-Bus Specification's object path characters).
  return /^\/[A-Za-z0-9_/]*$/.test(path) ? path : undefined
}

function variantBoolean({ body, little }: Message): boolean | undefined {
  if (body.length < 8 || body[0] !== 1 || body[1] !== 0x62 || body[2] !== 0) return undefined
  // The body starts 8-aligned, so the boolean sits at body offset 4.
  const value = little ? body.readUInt32LE(4) : body.readUInt32BE(4)
  return value === 0 ? false : value === 1 ? true : undefined
}
