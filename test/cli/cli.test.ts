// The CLI as a user runs it: a real process (bundled in one file, as the build ships it), real
// bench servers, real keychain.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { envWithoutKeyring } from '../world'
import { bundledCli, cliProcess, type CliRun } from './process'

const bench = inject('bench')
let env: NodeJS.ProcessEnv

function cli(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return cliProcess(args, { env: { ...env, ...opts.env }, stdin: opts.stdin, bundled: true })
}

beforeAll(async () => {
  await bundledCli()
  env = { ...process.env, ...bench.env, MAIL_SETUP_USER_DATA: mkdtempSync(join(tmpdir(), 'cli-')) }
  delete env.MAIL_SETUP_PASSWORD
})

describe('mail-setup CLI', () => {
  it('exits 2 with usage for bad input, and never takes a password argument', async () => {
    expect((await cli([])).code).toBe(2)
    expect((await cli(['frobnicate', 'a@b.test'])).code).toBe(2)
    const bad = await cli(['discover', 'not-an-address'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('not a valid email address')
    expect((await cli(['verify', bench.users.alice.address, '--password', 'x'])).code).toBe(2)
    expect((await cli(['verify', bench.users.alice.address])).code).toBe(2)
    expect((await cli(['discover', 'a@b.test', '--deadline', 'soon'])).code).toBe(2)
  })

  it('discovers the bench settings, as a table and as JSON', async () => {
    const human = await cli(['discover', bench.users.alice.address, '--offline'])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`${bench.mailHost}:993`)
    expect(human.stdout).toMatch(/from local-file, trusted/)
    const json = await cli(['discover', bench.users.alice.address, '--offline', '--json'])
    const doc = JSON.parse(json.stdout)
    expect(doc).toMatchObject({ ok: true, command: 'discover', result: { address: bench.users.alice.address } })
    expect(doc.result.candidates[0].incoming[0]).toMatchObject({
      protocol: 'imap',
      host: bench.mailHost,
      port: 993,
      security: 'tls'
    })
  })

  it('exits 3 when no settings are found', async () => {
    const res = await cli(['discover', 'someone@nowhere-at-all.test', '--offline', '--json'])
    expect(res.code).toBe(3)
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, exitCode: 3 })
  })

  it('exits 4 with the diagnosis on a wrong password, and the password is not printed', async () => {
    const wrong = 'not-the-password-123'
    const res = await cli(
      ['verify', bench.users.bob.address, '--offline', '--password-stdin', '--json', '--transcript'],
      { stdin: `${wrong}\n` }
    )
    expect(res.code).toBe(4)
    const doc = JSON.parse(res.stdout)
    expect(doc.ok).toBe(false)
    expect(doc.error.code).toBe('auth-failed')
    expect(res.stdout + res.stderr).not.toContain(wrong)
  })

  it('verifies, stores the password in the keychain, and exports the account', async () => {
    const { address, password } = bench.users.alice
    const res = await cli(['verify', address, '--offline', '--password-stdin', '--name', 'Alice Example'], {
      stdin: password
    })
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/Incoming: verified IMAP/)
    expect(res.stdout).toMatch(/Outgoing: verified SMTP/)
    expect(res.stdout).toContain('Password stored in the system keychain')
    expect(res.stdout + res.stderr).not.toContain(password)

    const out = join(mkdtempSync(join(tmpdir(), 'cli-out-')), 'config-v1.1.xml')
    const exp = await cli(['export', address, '--format', 'thunderbird-autoconfig', '--out', out])
    expect(exp.code).toBe(0)
    const back = parseAutoconfig(readFileSync(out, 'utf8'), address)
    expect(back.incoming[0]).toMatchObject({ host: bench.mailHost, protocol: 'imap' })

    const formats = await cli(['export', '--list-formats', '--json'])
    expect(JSON.parse(formats.stdout).result.map((f: { id: string }) => f.id)).toContain('msmtp')
    expect((await cli(['export', address, '--format', 'no-such-format'])).code).toBe(2)
    expect((await cli(['export', 'nobody@bench.test', '--format', 'msmtp'])).code).toBe(5)
  })

  it('takes manual settings and the password from the environment', async () => {
    const { address, password } = bench.users.alice
    const res = await cli(
      [
        'verify',
        address,
        '--incoming',
        `pop3s://${bench.mailHost}:995`,
        '--outgoing',
        `smtp://${bench.mailHost}:587`,
        '--no-save',
        '--json'
      ],
      { env: { MAIL_SETUP_PASSWORD: password } }
    )
    expect(res.code).toBe(0)
    const doc = JSON.parse(res.stdout)
    expect(doc.result.verify.incoming.settings).toMatchObject({ protocol: 'pop3', port: 995 })
    expect(doc.result.verify.outgoing.settings).toMatchObject({ protocol: 'smtp', port: 587, security: 'starttls' })
  })
  it('token without a keychain says it could not read the kept sign-in, not that anything was saved', async () => {
    const address = bench.users.alice.address
    // No session bus at all: keytar loads, the Secret Service cannot be reached.
    const noKeychain = envWithoutKeyring(env)
    const res = await cliProcess(['token', address], { env: noKeychain, bundled: true })
    expect(res.code).toBe(5)
    expect(res.stdout).toBe('')
    expect(res.stderr).toContain('[keychain-unavailable]')
    expect(res.stderr).toContain(`could not read the sign-in for ${address}`)
    expect(res.stderr).toMatch(
      /What you can do: Run your mail program from your desktop session\b.*Nothing was changed\./
    )
    // The save path's words belong to a command that saved something.
    expect(res.stderr).not.toMatch(/could not be stored|was saved without|account was kept/i)
    const json = await cliProcess(['token', address, '--json'], { env: noKeychain, bundled: true })
    expect(json.code).toBe(5)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'keychain-unavailable', params: { context: 'token', address } }
    })
  })
})
