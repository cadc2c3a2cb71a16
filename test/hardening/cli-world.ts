// A test world for attacks on the CLI: its own DNS server on loopback naming the hostile
// hosts, certificates from the bench CA, real socket servers (test/fakes), and the CLI run as
// a user runs it (a real process).
import { inject } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openCa, startDnsServer, type DnsServer, type TestCa } from '../world'
import { startFake, type Fake, type FakeOptions } from '../fakes/server'

const root = new URL('../../', import.meta.url).pathname

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export interface CliWorld {
  dns: DnsServer
  ca: TestCa
  dir: string
  env: NodeJS.ProcessEnv
  /** A real socket server reachable as `name`. */
  fake(name: string, opts: FakeOptions): Promise<Fake>
  cert(names: string[]): Promise<{ cert: string; key: string }>
  cli(args: string[], opts?: { stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliRun>
  stop(): Promise<void>
}

export async function cliWorld(): Promise<CliWorld> {
  const bench = inject('bench')
  const dns = await startDnsServer({})
  const ca = await openCa(bench.ca.dir)
  const dir = mkdtempSync(join(tmpdir(), 'cli-world-'))
  const fakes: Fake[] = []
  const env: NodeJS.ProcessEnv = { ...process.env, ...bench.env, MAIL_SETUP_DNS: dns.server, MAIL_SETUP_USER_DATA: join(dir, 'user-data') }
  delete env.MAIL_SETUP_PASSWORD
  return {
    dns,
    ca,
    dir,
    env,
    async fake(name, opts) {
      const f = await startFake(opts)
      fakes.push(f)
      dns.set(name, 'A', [f.host])
      return f
    },
    async cert(names) {
      const c = await ca.issueCert(names)
      return { cert: c.certPem, key: c.keyPem }
    },
    cli(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli/index.ts'), ...args], { env: { ...env, ...opts.env }, cwd: root })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
        child.on('error', reject)
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
        child.stdin.end(opts.stdin ?? '')
      })
    },
    async stop() {
      await Promise.all(fakes.map((f) => f.close()))
      await dns.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
