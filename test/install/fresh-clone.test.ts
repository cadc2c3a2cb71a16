// A fresh machine, two commands: the repository cloned into an empty folder, installed with
// `npm ci` where keytar cannot build (libsecret hidden from pkg-config), then used as a user
// would: the CLI from other folders (resources found from the code, not the current folder),
// an account saved without a keychain, and `npm start` serving the wizard in browser mode.
// Nothing is mocked: keytar is really missing, because npm really left it out.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'

const bench = inject('bench')
const repo = join(import.meta.dirname, '..', '..')
const base = mkdtempSync(join(tmpdir(), 'fresh-clone-'))
const clone = join(base, 'mail-setup')
const elsewhere = join(base, 'elsewhere')

/**
 * The environment of a user's shell: none of the npm variables of the `npm test` run around
 * us (npm_config_local_prefix would point npm at this repository), no download switches.
 */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(npm_|VITEST|INIT_CWD$|NODE_ENV$|ELECTRON_SKIP_BINARY_DOWNLOAD$|PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD$|DISPLAY$|WAYLAND_DISPLAY$)/i.test(
        k
      )
    )
      continue
    env[k] = v
  }
  // The shared npm cache (the session's HOME is a throwaway one).
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache
  return { ...env, ...extra }
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? userEnv(),
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** The clone's own command, run the way the README shows, from `cwd`. */
function cli(
  args: string[],
  cwd: string,
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {}
): ReturnType<typeof run> {
  return run(process.execPath, [join(clone, 'bin', 'mail-setup.js'), ...args], {
    cwd,
    env: opts.env ?? userEnv(),
    input: opts.input
  })
}

let install: ReturnType<typeof run>
let installMs = 0

beforeAll(() => {
  const head = run('git', ['rev-parse', 'HEAD'], { cwd: repo }).stdout.trim()
  expect(run('git', ['clone', '--quiet', '--no-checkout', repo, clone], { cwd: base }).code).toBe(0)
  expect(run('git', ['checkout', '--quiet', head], { cwd: clone }).code).toBe(0)
  mkdirSync(elsewhere)
  const noLibsecret = mkdtempSync(join(tmpdir(), 'empty-pkgconfig-'))
  const t0 = Date.now()
  install = run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: clone,
    env: userEnv({
      // keytar's build asks pkg-config for libsecret-1 and finds nothing.
      PKG_CONFIG_LIBDIR: noLibsecret,
      // node-gyp takes Node's headers from the system rather than downloading them.
      ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {})
    })
  })
  installMs = Date.now() - t0
  console.log(`fresh clone: npm ci took ${(installMs / 1000).toFixed(1)} s (exit ${install.code})`)
}, 600_000) // npm ci of ~570 packages and the build: 1.5 min measured on a loaded 2-core machine

describe('a fresh clone where keytar cannot build', () => {
  it('installs with npm ci, without keytar, and builds the app', () => {
    expect(install.code, install.stderr.slice(-3000)).toBe(0)
    expect(run(process.execPath, ['-e', "require('keytar')"], { cwd: clone }).code).not.toBe(0)
    expect(existsSync(join(clone, 'out', 'main', 'cli.js'))).toBe(true)
    // Nothing in the clone reads the folder beside the repository it came from.
    // (Patterns spelled in pieces, so this line does not match itself.)
    const beside = ['shared' + '/corpus', '/work' + '/shared', "'shared', " + "'corpus'"]
    expect(
      run('git', ['grep', '-n', '-I', ...beside.flatMap((p) => ['-e', p]), '--', ':!*.md'], { cwd: clone }).stdout
    ).toBe('')
  })

  it('answers discover --offline for a provider address from another folder and from /', () => {
    const att = parseAutoconfig(
      readFileSync(join(clone, 'resources', 'ispdb', 'att.net.xml'), 'utf8'),
      'jane@sbcglobal.net'
    )
    const res = cli(['discover', 'jane@sbcglobal.net', '--offline', '--json'], elsewhere)
    expect(res.code, res.stderr).toBe(0)
    const best = JSON.parse(res.stdout).result.candidates[0]
    expect(best).toMatchObject({ source: 'ispdb', trust: { level: 'trusted', reason: 'ispdb' } })
    expect(best.incoming[0]).toMatchObject({
      host: att.incoming[0]!.host,
      port: att.incoming[0]!.port,
      username: 'jane@sbcglobal.net'
    })

    const fromRoot = cli(['discover', 'jane@gmail.com', '--offline'], '/')
    expect(fromRoot.code, fromRoot.stderr).toBe(0)
    expect(fromRoot.stdout).toMatch(/imap\.gmail\.com/)
  })

  it('does not trust a resources/providers.json planted in the current folder', () => {
    const planted = join(base, 'planted')
    mkdirSync(join(planted, 'resources'), { recursive: true })
    const table = JSON.parse(readFileSync(join(clone, 'resources', 'providers.json'), 'utf8')) as {
      providers: Array<Record<string, unknown>>
    }
    const gmail = table.providers.find((p) => p.id === 'gmail')!
    const evil = JSON.parse(JSON.stringify(gmail).replace(/[a-z]+\.gmail\.com/g, 'mail.attacker.test')) as Record<
      string,
      unknown
    >
    table.providers.unshift({
      ...evil,
      id: 'planted',
      name: 'Planted',
      domains: ['planted.test', 'gmail.com'],
      domainSuffixes: [],
      mx: []
    })
    writeFileSync(join(planted, 'resources', 'providers.json'), JSON.stringify(table))

    const res = cli(['discover', 'jane@planted.test', '--offline', '--json'], planted)
    expect(res.code).toBe(3)
    expect(res.stdout).not.toContain('attacker')
    const known = cli(['discover', 'jane@gmail.com', '--offline', '--json'], planted)
    expect(known.code, known.stderr).toBe(0)
    expect(known.stdout).not.toContain('attacker')
  })

  it('verifies and saves the account, marked as having no stored password, and says what to install', () => {
    const { address, password } = bench.users.alice
    const userData = mkdtempSync(join(tmpdir(), 'fresh-clone-data-'))
    const env = userEnv({ ...bench.env, MAIL_SETUP_USER_DATA: userData })
    delete env.MAIL_SETUP_PASSWORD
    const res = cli(['verify', address, '--offline', '--password-stdin'], elsewhere, { env, input: password })
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/Incoming: verified/)
    expect(res.stdout).toContain('Password NOT stored in the keychain (keychain-unavailable)')
    // One line: what to install here (Debian) and the command that then builds keytar.
    expect(res.stdout).toMatch(
      /What you can do: Install libsecret-1-dev\b[^\n]*, then run npm install in Mail Setup's folder\./
    )
    expect(res.stdout + res.stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+/)
    expect(res.stdout + res.stderr).not.toContain(password)

    const saved = JSON.parse(readFileSync(join(userData, 'accounts.json'), 'utf8')) as {
      accounts: Array<{ address: string; secretStored?: boolean }>
    }
    expect(saved.accounts).toEqual([expect.objectContaining({ address, secretStored: false })])

    // `token` only reads the keychain: its words say what it could not read, not what was saved.
    const token = cli(['token', address], elsewhere, { env })
    expect(token.code).toBe(5)
    expect(token.stdout).toBe('')
    expect(token.stderr).toContain("The keychain module isn't built [keychain-unavailable]")
    expect(token.stderr).toMatch(
      /What you can do: Install libsecret-1-dev\b[^\n]*, then run npm install in Mail Setup's folder and run your mail program again\. If the account was saved while the module was missing, no sign-in was kept: sign in again with: mail-setup verify \S+ --oauth\./
    )
    expect(token.stderr).not.toMatch(/could not be stored|was saved without|account was kept/i)
  })

  describe('npm start', () => {
    let child: ChildProcess | undefined
    afterAll(() => {
      // The whole group: npm, scripts/start.js and the browser-mode server it started.
      if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
    })

    it('serves the wizard in browser mode, whose API works without a keychain', async () => {
      const userData = mkdtempSync(join(tmpdir(), 'fresh-clone-start-'))
      child = spawn('npm', ['start'], {
        cwd: clone,
        env: userEnv({ ...bench.env, MAIL_SETUP_USER_DATA: userData }),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true
      })
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)))
      let out = ''
      const url = await new Promise<URL>((resolve, reject) => {
        child!.stdout!.on('data', (d: Buffer) => {
          out += d.toString()
          const m = /running at (\S+)/.exec(out)
          if (m) resolve(new URL(m[1]!))
        })
        child!.stderr!.on('data', (d: Buffer) => (out += d.toString()))
        void exited.then((code) => reject(new Error(`npm start exited ${code}: ${out}`)))
      })
      expect(out).toMatch(/opening in your browser instead of a window/)
      const page = await fetch(url.origin + '/')
      expect(page.status).toBe(200)
      expect(await page.text()).toMatch(/<div id="root">/)

      const token = new URLSearchParams(url.hash.slice(1)).get('token')!
      const call = async (op: string, body: unknown): Promise<{ ok: boolean; value?: Record<string, unknown> }> => {
        const res = await fetch(new URL(`/api/op/${op}`, url.origin), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: url.origin },
          body: JSON.stringify(body)
        })
        return (await res.json()) as never
      }
      const found = await call('discover', { runId: 'fresh', address: 'jane@cox.net', offline: true, deadlineMs: 3000 })
      expect(found.ok).toBe(true)
      expect((found.value!.candidates as Array<{ source: string }>)[0]!.source).toBe('ispdb')
    }, 120_000) // npm start builds the app first (electron-vite build: ~10 s, more on a loaded machine)
  })
})
