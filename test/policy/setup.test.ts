// `mail-setup setup`, the silent mode, as an installer runs it: a real CLI process against the
// bench's real Dovecot and submission (and the second bench's guessed domain), the exit code
// as the answer. Success writes the export; a wrong password, a policy violation, settings
// nothing vouches for and an unusable policy each give their documented code and write nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, inject, it } from 'vitest'
import { cliProcess } from '../cli/process'
import { runCli } from '../../src/main/cli/index'

const bench = inject('bench')
const { alice } = bench.users
const root = mkdtempSync(join(tmpdir(), 'setup-'))
let n = 0

const contoso = { name: 'Contoso', support: { name: 'IT helpdesk', email: 'help@contoso.example' } }

/** The flags of one silent set-up: an address, a format and where the password comes from. */
function setupFlags(o: { address?: string; format?: string; passwordEnv?: string } = {}, ...more: string[]): string[] {
  const { address = alice.address, format = 'thunderbird-autoconfig', passwordEnv = 'PW' } = o
  return ['--address', address, '--export', format, '--password-env', passwordEnv, ...more]
}

/** A fresh user-data folder, policy file and output path for one run. */
function world(policy: unknown, extraEnv: Record<string, string | undefined> = {}) {
  const dir = join(root, `run-${++n}`)
  const data = join(dir, 'data')
  const policyFile = join(root, `policy-${n}.json`)
  writeFileSync(policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_OFFLINE: '1',
    MAIL_SETUP_USER_DATA: data,
    PW: alice.password,
    WRONG: 'not-alices-password',
    ...extraEnv
  }
  delete env.MAIL_SETUP_PASSWORD
  for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete env[k]
  const out = join(dir, 'profile.xml')
  const accounts = join(data, 'accounts.json')
  return {
    out,
    accounts,
    run: (args: string[]) => cliProcess(['setup', '--policy', policyFile, '--out', out, ...args], { env }),
    /** Neither the export nor the account list exists. */
    expectNothingWritten() {
      expect(existsSync(out)).toBe(false)
      expect(existsSync(accounts)).toBe(false)
    }
  }
}

describe('mail-setup setup (silent)', () => {
  it('signs in for real, saves the account and writes the export; prints nothing', async () => {
    const w = world({ organisation: contoso, protocols: { incoming: ['imap'] }, defaults: { storePassword: false } })
    const r = await w.run(setupFlags())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('')
    const xml = readFileSync(w.out, 'utf8')
    expect(xml).toContain(`<hostname>${bench.mailHost}</hostname>`)
    expect(xml).not.toContain(alice.password)
    const saved = JSON.parse(readFileSync(w.accounts, 'utf8'))
    expect(JSON.stringify(saved)).toContain(alice.address)
    // The policy's default: the password is not kept.
    expect(JSON.stringify(saved)).toContain('"secretStored":false')
  })

  it('--json reports what was written; a password by reference works too', async () => {
    const w = world({ organisation: contoso, defaults: { storePassword: false } })
    const r = await w.run(['--address', alice.address, '--export', 'mutt', '--password-ref', 'env:PW', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      command: 'setup',
      exitCode: 0,
      result: { export: { path: w.out, format: 'mutt' }, keychain: { stored: false } }
    })
  })

  it('wrong password: exit 4, nothing written, and the support contact under the diagnosis', async () => {
    const w = world({ organisation: contoso })
    const r = await w.run(setupFlags({ passwordEnv: 'WRONG' }))
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('The username or password was not accepted')
    expect(r.stderr).toContain('Support (Contoso): IT helpdesk, help@contoso.example')
    expect(r.stderr).not.toContain('not-alices-password')
    w.expectNothingWritten()
  })

  it('policy violations: exit 7 before any sign-in, nothing written', async () => {
    const imapOnly = world({ organisation: contoso, protocols: { incoming: ['imap'] } })
    const pop = await imapOnly.run(setupFlags({}, '--pop', '--json'))
    expect(pop.code).toBe(7)
    expect(JSON.parse(pop.stdout)).toMatchObject({
      ok: false,
      exitCode: 7,
      error: { code: 'policy-protocol', protocol: 'pop3' },
      support: 'Support (Contoso): IT helpdesk, help@contoso.example'
    })
    const hidden = world({ organisation: contoso, exports: { hidden: ['thunderbird-autoconfig'] } })
    const fmt = await hidden.run(setupFlags())
    expect(fmt.code).toBe(7)
    expect(fmt.stderr).toContain('This kind of file is turned off by your organisation')
    // TLS only: discovery leaves the STARTTLS submission out, and TLS on 465 signs in instead.
    const tlsOnly = world({ organisation: contoso, security: { allowed: ['tls'] } })
    const sec = await tlsOnly.run(setupFlags({}, '--json'))
    expect(sec.code, sec.stdout).toBe(0)
    expect(readFileSync(tlsOnly.out, 'utf8')).toMatch(/<port>465<\/port>/)
    imapOnly.expectNothingWritten()
    hidden.expectNothingWritten()
  })

  it('settings nothing vouches for (only guessed): exit 6, no password sent, nothing written', async () => {
    const w = world(
      { organisation: contoso },
      {
        MAIL_SETUP_OFFLINE: undefined,
        MAIL_SETUP_ISP_DIRS: undefined,
        MAIL_SETUP_ISPDB_URL: 'https://ispdb.invalid/v1.1/'
      }
    )
    const carolLines = (): number =>
      readFileSync(bench.second.cyrusLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes(`carol@${bench.second.guessedDomain}`) || / carol[ \]]/.test(l)).length
    const before = carolLines()
    const r = await w.run(setupFlags({ address: `carol@${bench.second.guessedDomain}` }, '--json'))
    expect(r.code, r.stderr).toBe(6)
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'settings-unconfirmed', params: { reason: 'guess' } })
    expect(carolLines()).toBe(before)
    w.expectNothingWritten()
  })

  it('an unusable policy file: exit 8 with what is wrong, nothing done', async () => {
    const w = world({ organisation: contoso, protocol: { incoming: ['imap'] } })
    const r = await w.run(setupFlags({}, '--json'))
    expect(r.code).toBe(8)
    const doc = JSON.parse(r.stdout)
    expect(doc.error).toMatchObject({ code: 'policy-invalid' })
    expect(doc.error.params.issues).toMatch(/protocol/)
    w.expectNothingWritten()
  })

  it('usage: exactly one password source, and never a terminal on standard input', async () => {
    const w = world({})
    expect((await w.run(['--address', alice.address, '--export', 'mutt'])).code).toBe(2)
    expect((await w.run(setupFlags({ format: 'mutt' }, '--password-stdin'))).code).toBe(2)
    // In-process, with a standard input that says it is a terminal: refused before reading it.
    const stdin = Object.assign(new PassThrough(), { isTTY: true })
    let stderr = ''
    const code = await runCli(
      ['setup', '--address', alice.address, '--export', 'mutt', '--out', w.out, '--password-stdin'],
      {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        stdin,
        env: { ...process.env, ...bench.env, MAIL_SETUP_OFFLINE: '1' }
      }
    )
    expect(code).toBe(2)
    expect(stderr).toContain('never a terminal')
    expect(stdin.readableFlowing).toBeNull()
  })
})
