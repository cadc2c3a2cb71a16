// What each command loads, in the build as it ships (issue 16): a command compiles only the code
// it runs. The built CLI runs as a process with a module hook that records every file it loads;
// out/main/modules.json (written by the build) says which source modules each chunk holds. A
// static import that drags the export formats, the mail libraries, the keychain or the OAuth
// service into a command that does not use them fails here.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './process'

const bench = inject('bench')
let app: string
let env: NodeJS.ProcessEnv
let chunks: Record<string, string[]>

// Runs in the module hooks' thread: appends each loaded file URL to the file it was given.
const HOOKS = `data:text/javascript,${encodeURIComponent(
  'import{appendFileSync}from"node:fs";let f;export function initialize(d){f=d.file}' +
    'export async function load(u,c,n){appendFileSync(f,u+"\\n");return n(u,c)}'
)}`
const REGISTER = (file: string): string =>
  `data:text/javascript,${encodeURIComponent(
    `import{register}from"node:module";register(${JSON.stringify(HOOKS)},{data:{file:${JSON.stringify(file)}}})`
  )}`

interface Loaded {
  code: number
  stdout: string
  stderr: string
  /** The built files (out/main/…) the process loaded. */
  files: string[]
  /** Source modules (repository paths) of every chunk the process loaded. */
  modules: string[]
  /** Packages it loaded from node_modules at run time (outside the bundle). */
  external: string[]
  /** Node's own modules it imported (`node:tls`, …). */
  builtins: string[]
}

async function run(args: string[], stdin = '', at = app): Promise<Loaded> {
  const log = join(app, `loaded-${process.hrtime.bigint()}.txt`)
  const child = spawn(process.execPath, ['--import', REGISTER(log), join(at, 'out', 'main', 'cli.js'), ...args], {
    env: { ...env, MAIL_SETUP_CLI_MAIN: '1' },
    cwd: app
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(stdin)
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)))
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  const prefix = `file://${join(at, 'out', 'main')}/`
  const files = urls.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length))
  for (const f of files) expect(chunks, `${f} is not in modules.json`).toHaveProperty([f])
  return {
    code,
    stdout,
    stderr,
    files,
    modules: files.flatMap((f) => chunks[f]!),
    external: urls
      .filter((u) => u.includes('/node_modules/'))
      .map((u) => u.replace(/^.*\/node_modules\/([^/]+).*$/, '$1')),
    builtins: urls.filter((u) => u.startsWith('node:'))
  }
}

/** Code a command must not load unless it uses it. */
const HEAVY = [
  /node_modules\/(imapflow|nodemailer|qrcode|oidc-provider|keytar)\//,
  /^src\/main\/export\//,
  /^src\/main\/clients\/apply\.ts$/,
  /^src\/main\/oauth\/(service|loopback|tokens|registration)\.ts$/
]
const heavyIn = (modules: string[], also: RegExp[] = []): string[] =>
  modules.filter((m) => [...HEAVY, ...also].some((re) => re.test(m)))

beforeAll(async () => {
  // The build as it ships, in a folder of its own beside a link to resources/ (found from the code's own place).
  app = mkdtempSync(join(tmpdir(), 'start-up-modules-'))
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', join(app, 'out')],
    { cwd: ROOT, encoding: 'utf8' }
  )
  expect(build.status, build.stderr).toBe(0)
  symlinkSync(join(ROOT, 'resources'), join(app, 'resources'))
  chunks = JSON.parse(readFileSync(join(app, 'out', 'main', 'modules.json'), 'utf8'))
  env = { ...process.env, ...bench.env, MAIL_SETUP_USER_DATA: join(app, 'user-data') }
  delete env.MAIL_SETUP_PASSWORD
}, 120_000)

afterAll(() => rmSync(app, { recursive: true, force: true }))

describe('what each command loads', () => {
  it('--help loads the command line alone: no package, no contract, no service', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage:')
    expect(r.modules).toContain('src/main/cli/index.ts')
    expect(r.modules.filter((m) => m.includes('node_modules/'))).toEqual([])
    expect(
      r.modules.filter((m) => /^src\/main\/(api|discovery|verify|policy)\/|^src\/shared\/api\.ts$/.test(m))
    ).toEqual([])
    expect(r.external).toEqual([])
    // The command line and what it imports before reading its arguments (electron.vite.config.ts STAGES).
    expect(r.files.length, r.files.join(' ')).toBeLessThanOrEqual(2)
  })

  it('an offline discover loads discovery and the provider table, not the mail libraries, exports, OAuth or the suffix list', async () => {
    const r = await run(['discover', 'someone@gmail.com', '--offline'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('imap.gmail.com')
    expect(r.modules).toEqual(expect.arrayContaining(['src/main/discovery/index.ts', 'src/main/discovery/builtin.ts']))
    expect(
      heavyIn(r.modules, [/node_modules\/tldts/, /^src\/main\/verify\/(scheduler|imap|smtp|pop3|tls)\.ts$/])
    ).toEqual([])
    expect(r.external).toEqual([])
    // Node's network modules load when first used (net/builtins.ts), not with the code that might use them.
    expect(r.builtins.filter((b) => /^node:(tls|https?|dns)(\/|$)/.test(b))).toEqual([])
    // A few files, not one per lazy import: Node 20 spends ~0.35 ms on each (24 files before the
    // chunks followed the command's stages).
    expect(r.files.length, r.files.join(' ')).toBeLessThanOrEqual(4)
  })

  it('verify (no save) loads the probes, not the mail libraries, exports, the keychain or OAuth', async () => {
    const { address, password } = bench.users.alice
    const r = await run(['verify', address, '--offline', '--no-save', '--password-stdin'], password)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Incoming: verified IMAP/)
    expect(r.modules).toEqual(expect.arrayContaining(['src/main/verify/scheduler.ts', 'src/main/verify/smtp.ts']))
    expect(heavyIn(r.modules)).toEqual([])
    // The hook sees Node's modules too: the probes' TLS is imported where it is used.
    expect(r.builtins).toContain('node:tls')
    expect(r.external).toEqual([])
    // The probes are one file more than the search, the XML parser for the bench's autoconfig
    // file another (29 files before).
    expect(r.files.length, r.files.join(' ')).toBeLessThanOrEqual(6)
  })

  it('validates a provider table edited after the build instead of taking the one the build validated', async () => {
    // A copy of resources/ with one provider more: its key no longer matches the build's.
    const edited = join(app, 'edited')
    cpSync(join(ROOT, 'resources'), join(edited, 'resources'), { recursive: true })
    const file = join(edited, 'resources', 'providers.json')
    const table = JSON.parse(readFileSync(file, 'utf8'))
    table.providers.push({
      ...table.providers.find((p: { domains: string[] }) => p.domains.includes('gmail.com')),
      id: 'edited',
      name: 'Edited After Build',
      domains: ['edited-after-build.test'],
      oauth2: undefined
    })
    writeFileSync(file, JSON.stringify(table))
    cpSync(join(app, 'out'), join(edited, 'out'), { recursive: true })
    const r = await run(['discover', 'someone@edited-after-build.test', '--offline'], '', edited)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Edited After Build')
    // And an invalid edit is refused as before, not passed over.
    table.providers.push({ id: 'broken', name: 'Broken', domains: 'not-a-list' })
    writeFileSync(file, JSON.stringify(table))
    expect((await run(['discover', 'someone@edited-after-build.test', '--offline'], '', edited)).code).not.toBe(0)
  })

  it('reads a shipped ISPDB file as the build parsed it, without the XML parser; an edited file is parsed', async () => {
    const XML_PARSER = [/node_modules\/fast-xml-parser\//, /^src\/main\/xml\.ts$/]
    const r = await run(['discover', 'someone@126.com', '--offline'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('imap.126.com')
    expect(r.stderr).toMatch(/ispdb\s+found \(1\)/)
    expect(heavyIn(r.modules, XML_PARSER)).toEqual([])
    // The same file edited after the build, its size kept (so the build's folder index still
    // holds): its tree is keyed by the file's bytes, so this one is parsed, and what it says now is used.
    const edited = join(app, 'edited-xml')
    cpSync(join(ROOT, 'resources'), join(edited, 'resources'), { recursive: true })
    const file = join(edited, 'resources', 'ispdb', '126.com.xml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('imap.126.com', 'imap.127.com'))
    cpSync(join(app, 'out'), join(edited, 'out'), { recursive: true })
    const e = await run(['discover', 'someone@126.com', '--offline'], '', edited)
    expect(e.code, e.stderr).toBe(0)
    expect(e.stdout).toContain('imap.127.com')
    expect(e.stdout).not.toContain('imap.126.com')
    expect(heavyIn(e.modules, XML_PARSER).length).toBeGreaterThan(0)
  })

  it('sees what it forbids where it is used: the export formats and QR code for an export', async () => {
    const r = await run(['export', '--list-formats'])
    expect(r.code).toBe(0)
    expect(r.modules).toEqual(expect.arrayContaining(['src/main/export/index.ts']))
    expect(heavyIn(r.modules).length).toBeGreaterThan(0)
  })
})
