// Hardening figures (issue 12): the cost of a hostile reply line to responseCode(), and the
// memory a long-running process (browser mode) keeps per `verify`. Real sockets: a DNS
// server and an IMAP server on loopback behind a throwaway CA; verify goes through the same
// handlers and dispatch as every door, with a new password each time (a user retrying).
//   node --expose-gc --import tsx bench/hardening.bench.ts [verifies]
import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { allocLoopback } from '../test/world/addresses'
import { createCa } from '../test/world/ca'
import { startDnsServer } from '../test/world/dns'
import { startFake } from '../test/fakes/server'
import { imapScript } from '../test/fakes/scripts'
import { loadConfig } from '../src/main/config'
import { createServices } from '../src/main/services'
import { createHandlers, dispatch } from '../src/main/api/handlers'
import { responseCode } from '../src/main/diagnosis/classify'

const VERIFIES = Number(process.argv[process.argv[2] === 'memory' ? 3 : 2]) || 300
const REPO = resolve(import.meta.dirname, '..')

/** The responseCode regex before issue 12, for the before/after figure. */
const oldResponseCode = (text: string): string | undefined =>
  /^\s*(?:\*\s+|\S+\s+)?(?:OK|NO|BAD|BYE|-ERR|\+OK)?\s*\[([A-Za-z0-9/_-]+)(?:\s[^\]]*)?\]/i
    .exec(text)?.[1]
    ?.toUpperCase()

function timeIt(fn: () => unknown, runs = 5): number {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    xs.push(performance.now() - t)
  }
  return xs.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

function lines(): void {
  console.log('responseCode on a hostile line (median of 5):')
  for (const size of [4096, 16384, 65536]) {
    const line = `A1 ${' '.repeat(size)}x`
    const before = size <= 16384 ? `${timeIt(() => oldResponseCode(line)).toFixed(1)} ms` : 'skipped (minutes)'
    console.log(
      `  ${String(size / 1024).padStart(3)} KB of spaces: before ${before}, now ${timeIt(() => responseCode(line)).toFixed(3)} ms`
    )
  }
}

const HOST = 'mail.memory.example'

/** The servers run in a child process, so what they record is not counted as ours. */
async function serve(dir: string): Promise<void> {
  const ca = await createCa(join(dir, 'pki'))
  const cert = await ca.issueCert([HOST])
  const dns = await startDnsServer({})
  const imap = await startFake({
    host: allocLoopback(),
    port: 993,
    tls: { cert: cert.certPem, key: cert.keyPem },
    handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
  })
  dns.set(HOST, 'A', [imap.host])
  process.send!({ dns: dns.server, caPem: ca.certPem })
}

async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) {
    // npm run bench starts us without --expose-gc: measure in a child that has it.
    const child = fork(import.meta.filename, ['memory', String(VERIFIES)], {
      execArgv: ['--expose-gc', '--import', 'tsx']
    })
    await new Promise((r) => child.once('exit', r))
    return
  }
  const dir = await mkdtemp(join(tmpdir(), 'hardening-bench-'))
  const child = fork(import.meta.filename, ['serve', dir], { execArgv: ['--import', 'tsx'] })
  const { dns, caPem } = await new Promise<{ dns: string; caPem: string }>((r) =>
    child.once('message', (m) => r(m as { dns: string; caPem: string }))
  )
  const host = HOST
  const config = loadConfig(
    {},
    {
      dnsServers: [dns],
      extraCaPem: [caPem],
      ispDirs: [],
      userDataDir: join(dir, 'data'),
      resourcesDir: join(REPO, 'resources')
    }
  )
  const handlers = createHandlers(createServices(config), { door: 'browser', version: 'bench', emit: () => undefined })
  const settings = {
    protocol: 'imap' as const,
    host,
    port: 993,
    security: 'tls' as const,
    username: 'user@memory.example',
    auth: ['password-cleartext' as const]
  }
  const once = async (i: number): Promise<void> => {
    const r = await dispatch(handlers, 'verify', {
      runId: 'bench',
      address: 'user@memory.example',
      incoming: [settings],
      outgoing: [],
      credentials: { kind: 'password', password: `retry-${i}-${'x'.repeat(24)}` }
    })
    if (!r.ok || !(r.value as { incoming?: unknown }).incoming)
      throw new Error(`verify ${i} failed: ${JSON.stringify(r).slice(0, 300)}`)
  }
  const heap = async (): Promise<number> => {
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise((r) => setTimeout(r, 20))
    }
    return process.memoryUsage().heapUsed
  }
  for (let i = 0; i < 20; i++) await once(-i - 1)
  const before = await heap()
  const t = performance.now()
  for (let i = 0; i < VERIFIES; i++) await once(i)
  const ms = (performance.now() - t) / VERIFIES
  const after = await heap()
  const per = (x: number): string => `${((x - before) / VERIFIES / 1024).toFixed(2)} KB`
  console.log(
    `memory: ${VERIFIES} verifies in one process, ${ms.toFixed(1)} ms each; heap after GC ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB: ${per(after)} retained per verify`
  )
  // Deadline timers that still hold a finished step's signal fire within the longest step deadline.
  await new Promise((r) => setTimeout(r, 16_000))
  const later = await heap()
  console.log(
    `        16 s later (every step deadline passed): ${(later / 1048576).toFixed(1)} MB: ${per(later)} per verify`
  )
  child.kill()
  await rm(dir, { recursive: true, force: true })
}

if (process.argv[2] === 'serve') await serve(process.argv[3]!)
else if (process.argv[2] === 'memory') await memory()
else {
  lines()
  await memory()
}
