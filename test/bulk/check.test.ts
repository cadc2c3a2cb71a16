// The bulk readiness check as an admin runs it: a real CLI process, the bench's real Dovecot
// and submission, passwords by reference (environment, command), Ctrl+C and --resume.
import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { cliProcess } from '../cli/process'
import { parseCsv } from '../../src/main/bulk/csv'
import { CSV_COLUMNS } from '../../src/main/bulk/report'
import { createCredentialStore } from '../../src/main/credentials/store'
import { exitFor } from '../../src/shared/diagnosis-catalog'
import { keyringLocked, lockKeyring, unlockKeyring } from '../world'

type ResultRow = Record<(typeof CSV_COLUMNS)[number], string>

/** The results file's columns as docs/cli.md lists them for admins. */
function documentedColumns(): string[] {
  const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')
  const list = /one row per account, columns ((?:`\w+`,?\s*)+):/.exec(docs)?.[1] ?? ''
  return [...list.matchAll(/`(\w+)`/g)].map((m) => m[1]!)
}

const bench = inject('bench')
let env: NodeJS.ProcessEnv
let dir: string

const logLines = async (who: string): Promise<string[]> =>
  (await readFile(bench.dovecot.log, 'utf8')).split('\n').filter((l) => l.includes(`user=<${who}>`))
/** Successful IMAP sign-ins Dovecot logged for `who`. */
const logins = async (who: string): Promise<number> =>
  (await logLines(who)).filter((l) => /imap-login: (Info: )?Login: /.test(l)).length
/** Refused IMAP sign-ins: the login process logs "(auth failed, N attempts …)" when the session ends. */
const refusals = async (who: string): Promise<number> =>
  (await logLines(who)).reduce((n, l) => n + Number(/imap-login: .*auth failed, (\d+) attempts?/.exec(l)?.[1] ?? 0), 0)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulk-'))
  env = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_OFFLINE: '1',
    MAIL_SETUP_USER_DATA: dir,
    ALICE_PW: bench.users.alice.password
  }
})

describe('mail-setup check', () => {
  it('checks each account for real and reports a verdict per row, in CSV and HTML', async () => {
    const { alice, bob } = bench.users
    const list = join(dir, 'accounts.csv')
    writeFileSync(
      list,
      [
        'address,password_ref',
        `${alice.address},env:ALICE_PW`,
        `${bob.address},cmd:printf 'not-bobs-password'`,
        'carol@nowhere-at-all.test,env:ALICE_PW',
        `dave@${bench.domain},`,
        'not-an-address,env:ALICE_PW',
        `=1+2@${bench.domain},env:NOPE`
      ].join('\n')
    )
    const before = await refusals(bob.address)
    const run = await cliProcess(['check', '--csv', list, '--html', join(dir, 'report.html'), '--json'], { env })
    expect(run.code).toBe(4)
    expect(run.stderr).toContain('row 5: not a valid address')
    const summary = JSON.parse(run.stdout).result
    expect(summary).toMatchObject({ checked: 5, of: 5, ready: 1, notReady: 4, skipped: 1, interrupted: false })
    expect(run.stderr).toContain('row 6: env:NOPE gave no password')

    const [header, ...cells] = parseCsv(readFileSync(`${list}.results.csv`, 'utf8'))
    // The columns are the ones the docs promise the scripts that read the file, in that order.
    expect(header).toEqual(documentedColumns())
    const rows = cells.map((c) => Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, c[i]])) as ResultRow)
    const verdict = Object.fromEntries(rows.map((r) => [r.address, r.verdict]))
    expect(verdict).toMatchObject({
      [alice.address]: 'ready',
      [bob.address]: 'sign-in-refused',
      'carol@nowhere-at-all.test': 'no-settings',
      [`dave@${bench.domain}`]: 'no-password'
    })
    const aliceRow = rows.find((r) => r.address === alice.address)!
    expect(aliceRow.incoming).toBe(`imap ${bench.mailHost}:993 tls`)
    expect(aliceRow.username).toBe(alice.address)
    expect(rows.find((r) => r.address === bob.address)).toMatchObject({
      code: 'auth-failed',
      incoming: `imap ${bench.mailHost}:993 tls`
    })
    // A cell a spreadsheet would run as a formula is defused.
    expect(rows.find((r) => r.address.includes('1+2'))!.address).toBe(`'=1+2@${bench.domain}`)
    // The wrong password cost one refused IMAP sign-in: the trusted file names the user name.
    // (The login process logs it when the session closes, a moment after our side.)
    let refused = 0
    for (let i = 0; i < 30 && refused === 0; i++) {
      refused = (await refusals(bob.address)) - before
      if (!refused) await new Promise((r) => setTimeout(r, 100))
    }
    expect(refused).toBe(1)
    expect(readFileSync(`${list}.results.csv`, 'utf8') + readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain(
      'not-bobs-password'
    )

    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain('Sign-in refused (1)')
    expect(html).toContain('Ready: both directions signed in (1)')
    expect(html).toContain('The username or password was not accepted')
    expect(html).not.toMatch(/<script/i)
    expect(existsSync(`${list}.state`)).toBe(false)
  })

  it('refuses a plain password column unless the admin allows it', async () => {
    const list = join(dir, 'plain.csv')
    writeFileSync(list, `address,password\n${bench.users.alice.address},${bench.users.alice.password}\n`)
    const refused = await cliProcess(['check', '--csv', list], { env })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--allow-plain-passwords')
  })

  it('reads a plain password column with --allow-plain-passwords', async () => {
    const list = join(dir, 'plain-allowed.csv')
    writeFileSync(list, `address,password\n${bench.users.alice.address},${bench.users.alice.password}\n`)
    const allowed = await cliProcess(['check', '--csv', list, '--allow-plain-passwords'], { env })
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toContain('1 of 1 checked, 1 ready')
  })

  it('a keychain: reference with the keyring locked stops with keychain-locked, not "gave no password"', async () => {
    const { alice } = bench.users
    const keyName = `bulk-locked:${alice.address}`
    const store = createCredentialStore(bench.env.MAIL_SETUP_KEYCHAIN_SERVICE!, { timeoutMs: 15_000 })
    expect((await store.save(keyName, alice.password)).stored).toBe(true)
    const list = join(dir, 'keychain.csv')
    writeFileSync(list, `address,password_ref\n${alice.address},keychain:${keyName}\n`)
    try {
      await lockKeyring()
      const locked = await cliProcess(['check', '--csv', list], { env })
      expect(locked.code).toBe(exitFor('keychain-locked'))
      expect(locked.stderr).toContain('The keychain is locked [keychain-locked]')
      expect(locked.stderr).toContain('A password kept in the system keychain could not be read')
      expect(locked.stderr).not.toContain('gave no password')
      await unlockKeyring()
      // The same reference, unlocked: the password was there, and the account is ready.
      const open = await cliProcess(['check', '--csv', list, '--resume'], { env })
      expect(open.code, open.stderr).toBe(0)
      expect(open.stdout).toContain('1 of 1 checked, 1 ready')
    } finally {
      if (await keyringLocked()) await unlockKeyring()
      await store.remove(keyName)
    }
  })

  it('refuses a list larger than 64 MiB before reading it', async () => {
    const list = join(dir, 'huge.csv')
    writeFileSync(list, `address,password_ref\n${bench.users.alice.address},env:ALICE_PW\n`)
    // Sparse: the size is what counts, and nothing of it is read.
    truncateSync(list, 64 * 1024 * 1024 + 1)
    const refused = await cliProcess(['check', '--csv', list], { env })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('larger than 64 MiB')
    expect(existsSync(`${list}.state`)).toBe(false)
    truncateSync(list, 64 * 1024 * 1024)
    // At the limit the size is no reason: the list is read, and its NUL padding refused as a field too long.
    const read = await cliProcess(['check', '--csv', list], { env })
    expect(read.stderr).not.toContain('larger than 64 MiB')
    expect(read.stderr).toContain('line 3: a field is longer than 4096 characters')
  })

  describe('interrupted and resumed', () => {
    const total = 12
    let list: string
    let checkedFirst = 0

    it('Ctrl+C ends cleanly with what was done written out', async () => {
      list = join(dir, 'many.csv')
      writeFileSync(
        list,
        [
          'address,password_ref',
          ...Array.from({ length: total }, () => `${bench.users.alice.address},env:ALICE_PW`)
        ].join('\n')
      )
      const state = `${list}.state`
      let poll: NodeJS.Timeout | undefined
      const first = await cliProcess(['check', '--csv', list, '--concurrency', '1', '--json'], {
        env,
        onStart(child) {
          poll = setInterval(() => {
            if (existsSync(state) && readFileSync(state, 'utf8').split('\n').filter(Boolean).length >= 2) {
              clearInterval(poll)
              child.kill('SIGINT')
            }
          }, 10)
        }
      })
      clearInterval(poll)
      expect(first.code).toBe(130)
      const partial = JSON.parse(first.stdout).result
      expect(partial.interrupted).toBe(true)
      expect(partial.checked).toBeGreaterThanOrEqual(2)
      expect(partial.checked).toBeLessThan(total)
      expect(parseCsv(readFileSync(`${list}.results.csv`, 'utf8'))).toHaveLength(partial.checked + 1)
      checkedFirst = partial.checked
    })

    it('without --resume the earlier run is not thrown away', async () => {
      const again = await cliProcess(['check', '--csv', list], { env })
      expect(again.code).toBe(2)
      expect(again.stderr).toContain('add --resume to continue it')
    })

    it('--resume checks only the rest', async () => {
      expect(checkedFirst).toBeGreaterThan(0)
      const loginsBefore = await logins(bench.users.alice.address)
      const second = await cliProcess(['check', '--csv', list, '--resume', '--json'], { env })
      expect(second.code).toBe(0)
      expect(JSON.parse(second.stdout).result).toMatchObject({ checked: total, ready: total, interrupted: false })
      expect(await logins(bench.users.alice.address)).toBe(loginsBefore + (total - checkedFirst))
      expect(parseCsv(readFileSync(`${list}.results.csv`, 'utf8'))).toHaveLength(total + 1)
    })
  })
})
