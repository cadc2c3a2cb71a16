// accounts.json across processes: eight CLI runs saving at once keep eight accounts (real
// processes, one user-data folder), a lock left by a dead process is taken over, a live one is
// waited for, and saving the same account again updates it instead of adding a copy.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir, hostname } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { withFileLock } from '../../src/main/accounts/lock'
import { AccountStore } from '../../src/main/accounts/store'
import { bundledCli, cliInProcess, cliProcess } from '../cli/process'
import { account } from '../export/fixtures'

const manual = (address: string, imapHost = 'imap.example.test'): string[] => [
  'export',
  address,
  '--format',
  'card-json',
  '--incoming',
  `imaps://${imapHost}:993`,
  '--outgoing',
  'smtps://smtp.example.test:465',
  '--json'
]

function accountsIn(dir: string): Array<{
  id: string
  address: string
  incoming: { host: string }
  verifiedAt?: string
  displayName: string
  createdAt: string
}> {
  return JSON.parse(readFileSync(join(dir, 'accounts.json'), 'utf8')).accounts
}

async function cliIn(dir: string, args: string[]): Promise<number> {
  return (await cliInProcess(args, { env: { MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_OFFLINE: '1' } })).code
}

describe('one lock for accounts.json', () => {
  // The shipped form of the CLI (one bundled file): eight tsx processes compiling every module
  // at once would measure the compiler, not the lock.
  beforeAll(() => bundledCli())

  it('8 concurrent CLI processes saving keep 8 accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-lock-'))
    const env = { ...process.env, MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_OFFLINE: '1' }
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => cliProcess(manual(`user${i}@example.test`), { env, bundled: true }))
    )
    expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0))
    expect(
      accountsIn(dir)
        .map((a) => a.address)
        .sort()
    ).toEqual(Array.from({ length: 8 }, (_, i) => `user${i}@example.test`).sort())
    expect(readdirSync(dir).filter((n) => n.includes('.lock') || n.endsWith('.tmp'))).toEqual([])
  })

  it('takes over a lock whose process died, waits for a live one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-lock-'))
    mkdirSync(dir, { recursive: true })
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!
    writeFileSync(join(dir, 'accounts.json.lock'), `${dead} ${hostname()} 0123456789abcdef`)
    const store = new AccountStore(dir)
    await store.upsert(account({ id: 'a1' }))
    expect((await store.list()).accounts.map((a) => a.id)).toEqual(['a1'])

    writeFileSync(join(dir, 'accounts.json.lock'), `${process.pid} ${hostname()} someone-else`)
    await expect(withFileLock(join(dir, 'accounts.json'), async () => 'never', { waitMs: 200 })).rejects.toMatchObject({
      diagnosis: { code: 'file-write-failed', params: { reason: 'locked' } }
    })
  })
})

describe('saving the same account again', () => {
  it('export --incoming/--outgoing twice updates the one account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-update-'))
    expect(await cliIn(dir, [...manual('same@example.test'), '--name', 'Same'])).toBe(0)
    const [first] = accountsIn(dir)
    expect(await cliIn(dir, manual('Same@Example.test', 'imap2.example.test'))).toBe(0)
    const after = accountsIn(dir)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({
      id: first!.id,
      createdAt: first!.createdAt,
      displayName: 'Same',
      incoming: { host: 'imap2.example.test' }
    })
    // A POP account for the same address is another account.
    expect(
      await cliIn(dir, [
        'export',
        'same@example.test',
        '--format',
        'card-json',
        '--incoming',
        'pop3s://pop.example.test:995',
        '--outgoing',
        'smtps://smtp.example.test:465'
      ])
    ).toBe(0)
    expect(accountsIn(dir)).toHaveLength(2)
  })

  it('verify run again for the same address updates its account (real servers, real keychain)', async () => {
    const bench = inject('bench')
    const dir = mkdtempSync(join(tmpdir(), 'accounts-reverify-'))
    const { address, password } = bench.users.alice
    const env = { ...bench.env, MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_PASSWORD: password }
    const verify = async (): Promise<number> =>
      (await cliInProcess(['verify', address, '--offline', '--no-keychain'], { env })).code
    expect(await verify()).toBe(0)
    const [first] = accountsIn(dir)
    expect(await verify()).toBe(0)
    const after = accountsIn(dir)
    expect(after).toHaveLength(1)
    expect(after[0]!.id).toBe(first!.id)
    expect(after[0]!.verifiedAt! > first!.verifiedAt!).toBe(true)
  })

  it('unverified settings keep the verification only when they are the verified ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-update-'))
    const store = new AccountStore(dir)
    const verified = await store.upsert(account({ id: 'v1', verifiedAt: '2026-01-01T00:00:00.000Z' }))
    const again = await store.upsert(account({ id: 'other-id', verifiedAt: undefined }))
    expect(again).toMatchObject({ id: 'v1', verifiedAt: verified.verifiedAt })
    const moved = await store.upsert(
      account({
        id: 'other-id',
        verifiedAt: undefined,
        incoming: { ...verified.incoming, host: 'elsewhere.example.com' }
      })
    )
    expect(moved.id).toBe('v1')
    expect(moved.verifiedAt).toBeUndefined()
    expect((await store.list()).accounts).toHaveLength(1)
  })
})
