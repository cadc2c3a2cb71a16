// The accounts list on a real folder: round trip, atomic writes, a corrupt file kept aside
// and reported, a newer file left alone, concurrent writers in one process.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { AccountStore } from '../../src/main/accounts/store'
import { AppError } from '../../src/main/errors'
import { account } from '../export/fixtures'

let dir: string
let store: AccountStore

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accounts-'))
  store = new AccountStore(dir)
})

const file = () => join(dir, 'accounts.json')
const onDisk = async () => JSON.parse(await readFile(file(), 'utf8'))

describe('AccountStore', () => {
  it('starts empty without a file and creates it on the first save', async () => {
    expect(await store.list()).toEqual({ accounts: [] })
    const a = account({ id: 'a1' })
    await store.upsert(a)
    expect(await onDisk()).toEqual({ version: 1, accounts: [a] })
    expect(await store.get('a1')).toEqual(a)
    expect(await new AccountStore(dir).list()).toEqual({ accounts: [a] })
  })

  it('replaces by id, keeps order, removes', async () => {
    await store.upsert(account({ id: 'a1' }))
    await store.upsert(account({ id: 'a2', address: 'b@example.com' }))
    await store.upsert(account({ id: 'a1', displayName: 'Renamed' }))
    const { accounts } = await store.list()
    expect(accounts.map((a) => [a.id, a.displayName])).toEqual([
      ['a1', 'Renamed'],
      ['a2', 'Alice Example']
    ])
    expect(await store.remove('a1')).toBe(true)
    expect(await store.remove('a1')).toBe(false)
    expect((await onDisk()).accounts.map((a: { id: string }) => a.id)).toEqual(['a2'])
  })

  it('writes with mode 0600 and leaves no temp files', async () => {
    await store.upsert(account({ id: 'a1' }))
    const { stat } = await import('node:fs/promises')
    expect((await stat(file())).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['accounts.json'])
  })

  it('serialises concurrent writers: none is lost', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.upsert(account({ id: `c${i}`, address: `c${i}@example.com` })))
    )
    expect((await store.list()).accounts).toHaveLength(20)
    expect((await onDisk()).accounts).toHaveLength(20)
  })

  it('refuses an invalid account without touching the file', async () => {
    await store.upsert(account({ id: 'a1' }))
    const before = await readFile(file(), 'utf8')
    const bad = { ...account({ id: 'a2' }), incoming: { ...account().incoming, host: 'evil host"' } }
    await expect(store.upsert(bad)).rejects.toBeInstanceOf(AppError)
    expect(await readFile(file(), 'utf8')).toBe(before)
  })

  it.each([
    ['not JSON', '{"version": 1, "accounts": [', 'not-json'],
    ['not an object', '[1,2,3]', 'not-an-object'],
    ['no version', '{"accounts": []}', 'unknown-version'],
    ['no accounts array', '{"version": 1, "accounts": {}}', 'no-accounts-array']
  ])('keeps a corrupt file (%s) aside, reports it, and never overwrites it', async (_name, text, reason) => {
    await writeFile(file(), text)
    const listed = await store.list()
    expect(listed.accounts).toEqual([])
    expect(listed.problem?.code).toBe('accounts-file-corrupt')
    expect(listed.problem?.params?.reason).toBe(reason)
    const aside = listed.problem?.params?.keptAs ?? ''
    expect(aside).toMatch(/accounts\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/)
    expect(await readFile(aside, 'utf8')).toBe(text)
    // The next save starts a fresh file; the corrupt one stays where it was put.
    await store.upsert(account({ id: 'a1' }))
    expect((await onDisk()).accounts).toHaveLength(1)
    expect(await readFile(aside, 'utf8')).toBe(text)
    expect((await store.list()).problem?.code).toBe('accounts-file-corrupt')
  })

  it('keeps the readable entries of a partly broken file and a copy of the whole', async () => {
    const good = account({ id: 'good' })
    const text = JSON.stringify({ version: 1, accounts: [good, { id: 'broken' }] })
    await writeFile(file(), text)
    const listed = await store.list()
    expect(listed.accounts).toEqual([good])
    expect(listed.problem).toMatchObject({
      code: 'accounts-file-corrupt',
      params: { reason: 'invalid-entries', invalid: '1' }
    })
    expect(await readFile(listed.problem?.params?.keptAs ?? '', 'utf8')).toBe(text)
    // Reading the same file again reports the same copy instead of making another.
    expect(await store.get('good')).toEqual(good)
    expect((await store.list()).problem).toEqual(listed.problem)
    expect((await readdir(dir)).filter((n) => n.includes('.corrupt-'))).toHaveLength(1)
  })

  it('reads but never overwrites a file from a newer version', async () => {
    const text = JSON.stringify({ version: 2, accounts: [account({ id: 'a1' })], somethingNew: true })
    await writeFile(file(), text)
    const listed = await store.list()
    expect(listed.accounts.map((a) => a.id)).toEqual(['a1'])
    expect(listed.problem).toMatchObject({
      code: 'accounts-file-corrupt',
      params: { reason: 'newer-version', version: '2' }
    })
    await expect(store.upsert(account({ id: 'a2' }))).rejects.toMatchObject({
      diagnosis: { code: 'accounts-file-corrupt' }
    })
    await expect(store.remove('a1')).rejects.toBeInstanceOf(AppError)
    expect(await readFile(file(), 'utf8')).toBe(text)
    expect(await readdir(dir)).toEqual(['accounts.json'])
  })

  it('stores no secret: only the Account fields survive', async () => {
    const withExtra = { ...account({ id: 'a1' }), password: 'hunter2-secret' } as ReturnType<typeof account>
    await store.upsert(withExtra)
    expect(await readFile(file(), 'utf8')).not.toContain('hunter2-secret')
  })
})
