// What the real-client tests share: an account verified and saved by the app itself (the CLI's
// `verify`, so the keychain holds exactly what the save path wrote), its exports written the
// way `mail-setup export --out` writes them, and a way to run a client with the bench's names.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { cliInProcess, cliProcess, type CliRun } from '../cli/process'
import type { Account, ExportFormatId } from '../../src/shared/account'
import { envWithoutKeyring, readMailbox, type BenchInfo } from '../world'
import { PYTHON, run, tempDir, type RunResult } from '../export/tools'
import { shQuote } from '../../src/main/export/common'

export interface Verified {
  account: Account
  env: NodeJS.ProcessEnv
  /** Writes the account's export, as `mail-setup export --format F --out FILE` does. */
  exportTo(format: ExportFormatId, dir: string): Promise<string>
}

export interface VerifyOptions {
  /** Incoming and outgoing server URLs in the CLI's syntax (docs/cli.md). */
  incoming: string
  outgoing: string
  pop?: boolean
  name?: string
  /** Who signs in (default: the bench's alice). */
  user?: { address: string; password: string }
  /** 'unavailable': no Secret Service on the session, so the save path keeps no password. */
  keychain?: 'unavailable'
}

const cli = (args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> => cliInProcess(args, { env, stdin })

/**
 * Verifies and saves an account through the CLI: the app probes both
 * servers, saves the account and stores the password in the real keyring its own way.
 */
export async function verifiedAccount(bench: BenchInfo, o: VerifyOptions): Promise<Verified> {
  const base = o.keychain === 'unavailable' ? envWithoutKeyring(process.env) : process.env
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...bench.env,
    // One account list per account, so `export` finds this one.
    MAIL_SETUP_USER_DATA: await tempDir('client-user-data-'),
    MAIL_SETUP_OFFLINE: '1'
  }
  delete env.MAIL_SETUP_PASSWORD
  const user = o.user ?? bench.users.alice
  const args = [
    'verify',
    user.address,
    '--password-stdin',
    '--incoming',
    o.incoming,
    '--outgoing',
    o.outgoing,
    '--name',
    o.name ?? 'Alice Client',
    '--json'
  ]
  // Without a keychain the verify runs as a process of its own: keytar in this one has a bus.
  const r = o.keychain ? await cliProcess(args, { env, stdin: user.password }) : await cli(args, env, user.password)
  if (!o.keychain) expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const doc = JSON.parse(r.stdout) as { result: { account: Account; keychain: { stored: boolean } } }
  expect(doc.result.keychain.stored).toBe(!o.keychain)
  expect(doc.result.account.secretStored).toBe(!o.keychain)
  return {
    account: doc.result.account,
    env,
    async exportTo(format, dir) {
      const listed = await cli(['export', '--list-formats', '--json'], env)
      const info = (JSON.parse(listed.stdout) as { result: Array<{ id: string; fileName: string }> }).result.find(
        (f) => f.id === format
      )!
      const out = join(dir, info.fileName)
      const e = await cli(['export', user.address, '--format', format, '--out', out], env)
      expect(e.stderr).toMatch(/^Wrote \d+ bytes/)
      expect(e.code).toBe(0)
      return out
    }
  }
}

/** A hosts file naming the bench's servers, for clients that resolve through /etc/hosts. */
export async function benchHostsFile(bench: BenchInfo, more: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('bench-hosts-')
  const file = join(dir, 'hosts')
  await writeFile(
    file,
    `127.0.0.1 localhost\n${Object.entries({ ...bench.hosts, ...more })
      .map(([name, ip]) => `${ip} ${name}`)
      .join('\n')}\n`
  )
  return file
}

/** Runs a client in its own mount namespace where /etc/hosts names the bench. */
export function withBenchHosts(
  hostsFile: string,
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}
): Promise<RunResult> {
  const script = 'mount --bind "$0" /etc/hosts && exec "$@"'
  return run('unshare', ['--mount', 'sh', '-c', script, hostsFile, cmd, ...args], options)
}

/** A fresh empty HOME for one client run. */
export async function emptyHome(prefix: string): Promise<string> {
  const home = await tempDir(`${prefix}-home-`)
  await mkdir(home, { recursive: true })
  return home
}

/** Waits until `user`'s mailbox on the bench holds a message with this subject. */
export async function arrived(bench: BenchInfo, user: string, subject: string): Promise<void> {
  // Delivery runs through the relay sink into Dovecot; bounded by the test's own timeout.
  for (;;) {
    if ((await readMailbox(bench.mailRoot, user)).some((m) => m.subject === subject)) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Subjects of the messages in a Maildir folder (new and cur). */
export async function maildirSubjects(folder: string): Promise<string[]> {
  const out: string[] = []
  for (const sub of ['new', 'cur']) {
    for (const f of await readdir(join(folder, sub)).catch(() => [] as string[])) {
      const raw = await readFile(join(folder, sub, f), 'utf8')
      const m = /^Subject: (.*)$/m.exec(raw.split(/\r?\n\r?\n/)[0] ?? '')
      if (m) out.push(m[1]!.trim())
    }
  }
  return out
}

export const uniqueSubject = (label: string): string => `${label} ${randomBytes(4).toString('hex')}`

const PTY_DRIVE = new URL('./pty-drive.py', import.meta.url).pathname

/** The screen's text without escapes and spaces (aerc moves the cursor instead of writing them). */
export const screenText = (t: string): string => t.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s/g, '')

/**
 * aerc in a fresh home with the exported file as ~/.config/aerc/accounts.conf (mode 0600, as it
 * says), opened on a mailto: (the composer; EDITOR=true leaves the body as it is) and driven in
 * a terminal by `steps` (pty-drive.py). The screen's output comes back in stdout.
 */
export async function runAerc(
  hostsFile: string,
  o: { file: string; env: NodeJS.ProcessEnv; mailto: string; steps: string }
): Promise<RunResult> {
  const home = await emptyHome('aerc')
  const conf = join(home, '.config', 'aerc')
  await mkdir(conf, { recursive: true })
  await rename(o.file, join(conf, 'accounts.conf'))
  await chmod(join(conf, 'accounts.conf'), 0o600)
  const env = {
    ...o.env,
    HOME: home,
    TERM: 'xterm',
    EDITOR: 'true',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: home
  }
  return withBenchHosts(hostsFile, PYTHON, [PTY_DRIVE, 'aerc', o.mailto], { env, cwd: home, input: o.steps })
}

/**
 * mutt reading its spool mailbox in batch: pushed keys tag every message and copy them to an
 * mbox, which comes back (the index needs a terminal: script(1) gives it one). The CA file is
 * given on the command line (the file stays untouched). `pop`: a POP3 account leaves `folder` at
 * mutt's ~/Mail, which mutt offers to create on its first start in an empty home; the first key
 * answers that question with its default, yes.
 */
export async function muttRead(
  hostsFile: string,
  o: { file: string; env: NodeJS.ProcessEnv; caFile: string; pop?: boolean }
): Promise<{ run: RunResult; mbox: string }> {
  const home = await emptyHome('mutt-read')
  const out = join(home, 'read.mbox')
  const keys = `${o.pop ? 'y' : ''}<tag-pattern>~A<enter><tag-prefix><copy-message>${out}<enter><quit>`
  const argv = [
    'mutt',
    '-n',
    '-F',
    o.file,
    '-e',
    `set ssl_ca_certificates_file=${o.caFile}`,
    '-e',
    'set confirmcreate=no',
    '-e',
    `push "${keys}"`
  ]
  const r = await withBenchHosts(hostsFile, 'script', ['-qec', argv.map(shQuote).join(' '), '/dev/null'], {
    env: { ...o.env, HOME: home, TERM: 'xterm' },
    cwd: home
  })
  return { run: r, mbox: await readFile(out, 'utf8').catch(() => '') }
}
