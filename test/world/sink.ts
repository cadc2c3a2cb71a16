// The SMTP relay sink behind Dovecot's submission service: it accepts every message (no
// TLS, no AUTH: only Dovecot talks to it), keeps the raw bytes, and delivers to each
// recipient's maildir with dovecot-lda so a send-then-fetch round trip works.
import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'

export interface SinkMessage {
  from: string
  to: string[]
  raw: string
}

export interface Sink {
  host: string
  port: number
  /** Every message seen, oldest first (also written to `dir` as N.eml + N.json). */
  messages: SinkMessage[]
  dir: string
  stop(): Promise<void>
}

// Debian installs it outside PATH.
const LDA = '/usr/lib/dovecot/dovecot-lda'

function deliver(conf: string, rcpt: string, from: string, raw: Buffer): Promise<number | null> {
  return new Promise((resolve) => {
    const lda = spawn(LDA, ['-c', conf, '-d', rcpt, '-f', from || 'MAILER-DAEMON'], {
      stdio: ['pipe', 'ignore', 'ignore']
    })
    lda.once('error', () => resolve(null))
    lda.once('exit', (code) => resolve(code))
    lda.stdin.on('error', () => undefined)
    lda.stdin.end(raw)
  })
}

export async function startSink(opts: {
  address: string
  port?: number
  dir: string
  dovecotConf: () => string
}): Promise<Sink> {
  await mkdir(opts.dir, { recursive: true })
  const messages: SinkMessage[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    banner: 'bench relay sink',
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('error', (err) => callback(err))
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks)
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
        const to = session.envelope.rcptTo.map((r) => r.address)
        const n = messages.push({ from, to, raw: raw.toString('utf8') })
        await writeFile(join(opts.dir, `${n}.eml`), raw)
        await writeFile(join(opts.dir, `${n}.json`), JSON.stringify({ from, to }))
        const codes = await Promise.all(to.map((rcpt) => deliver(opts.dovecotConf(), rcpt, from, raw)))
        const failed = to.filter((_, i) => codes[i] !== 0)
        if (failed.length) {
          const err = new Error(`delivery failed for ${failed.join(', ')}`) as Error & { responseCode: number }
          err.responseCode = 550
          return callback(err)
        }
        callback()
      })
    }
  })
  // A bare port probe would otherwise crash the process.
  server.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(opts.port ?? 25, opts.address, () => resolve())
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 25)
  return {
    host: opts.address,
    port,
    messages,
    dir: opts.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** The sink's messages as written to its folder (readable from any process). */
export async function readSinkDir(dir: string): Promise<SinkMessage[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.json'))
  names.sort((a, b) => parseInt(a) - parseInt(b))
  return Promise.all(
    names.map(async (f) => {
      const meta = JSON.parse(await readFile(join(dir, f), 'utf8')) as { from: string; to: string[] }
      return { ...meta, raw: await readFile(join(dir, f.replace(/\.json$/, '.eml')), 'utf8') }
    })
  )
}
