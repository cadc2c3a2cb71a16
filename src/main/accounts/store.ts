// The accounts list: `accounts.json` in the user-data folder, `{ version: 1, accounts: [...] }`.
// No secrets (those are in the keychain). Writes are atomic; a file we cannot read is moved
// aside and reported, never silently replaced; a file from a newer version is left alone.
import { isDeepStrictEqual } from 'node:util'
import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Account } from '../../shared/account'
import type { Diagnosis } from '../../shared/diagnosis'
import { AppError } from '../errors'
import { writeFileAtomic } from '../files'
import { withFileLock } from './lock'
import { diagnose } from '../../shared/diagnosis-catalog'

export const ACCOUNTS_FILE = 'accounts.json'
export const ACCOUNTS_VERSION = 1
const MAX_BYTES = 5_000_000

interface Loaded {
  accounts: Account[]
  /** False when the file belongs to a newer version of the app. */
  writable: boolean
}

/** One mailbox set up for one kind of client access: the address and the incoming protocol. */
function sameAccount(a: Account, b: Account): boolean {
  return a.address.toLowerCase() === b.address.toLowerCase() && a.incoming.protocol === b.incoming.protocol
}

/** `next` in place of `prev`: its id and creation kept, and what `next` leaves out kept too. */
function merged(prev: Account, next: Account): Account {
  const sameServers = isDeepStrictEqual(prev.incoming, next.incoming) && isDeepStrictEqual(prev.outgoing, next.outgoing)
  return {
    ...next,
    id: prev.id,
    createdAt: prev.createdAt,
    displayName: next.displayName || prev.displayName,
    // Unverified settings identical to verified ones are still verified.
    verifiedAt: next.verifiedAt ?? (sameServers ? prev.verifiedAt : undefined)
  }
}

export class AccountStore {
  private queue: Promise<unknown> = Promise.resolve()
  private problem: Diagnosis | undefined
  /** The partly broken text already copied aside: every later read would copy it again. */
  private copied: string | undefined

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, ACCOUNTS_FILE)
  }

  async list(): Promise<{ accounts: Account[]; problem?: Diagnosis }> {
    return this.serial(async () => {
      const { accounts } = await this.load()
      return this.problem ? { accounts, problem: this.problem } : { accounts }
    })
  }

  async get(id: string): Promise<Account | undefined> {
    const { accounts } = await this.list()
    return accounts.find((a) => a.id === id)
  }

  async upsert(account: Account): Promise<Account> {
    const parsed = Account.safeParse(account)
    if (!parsed.success) {
      throw new AppError({
        code: 'internal',
        detail: `invalid account: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`
      })
    }
    return this.serial(async () => {
      const loaded = await this.load()
      this.requireWritable(loaded)
      // The same account saved again (a re-check, an export with manual settings) replaces
      // the one on file, found by id or by address and incoming protocol, instead of adding a copy.
      const existing =
        loaded.accounts.find((a) => a.id === parsed.data.id) ?? loaded.accounts.find((a) => sameAccount(a, parsed.data))
      const saved = existing ? merged(existing, parsed.data) : parsed.data
      const next = existing ? loaded.accounts.map((a) => (a === existing ? saved : a)) : [...loaded.accounts, saved]
      await this.write(next)
      return saved
    })
  }

  async remove(id: string): Promise<boolean> {
    return this.serial(async () => {
      const loaded = await this.load()
      if (!loaded.accounts.some((a) => a.id === id)) return false
      this.requireWritable(loaded)
      await this.write(loaded.accounts.filter((a) => a.id !== id))
      return true
    })
  }

  /** One read-modify-write at a time: within this process (the queue) and across processes (the lock file). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const locked = async (): Promise<T> => {
      await mkdir(this.dir, { recursive: true })
      return withFileLock(this.path, fn)
    }
    const run = this.queue.then(locked, locked)
    this.queue = run.catch(() => undefined)
    return run
  }

  private requireWritable(loaded: Loaded): void {
    if (!loaded.writable && this.problem) throw new AppError(this.problem)
  }

  private async write(accounts: Account[]): Promise<void> {
    const text = JSON.stringify({ version: ACCOUNTS_VERSION, accounts }, null, 2) + '\n'
    try {
      await writeFileAtomic(this.path, text)
    } catch (err) {
      throw new AppError({ code: 'file-write-failed', params: { file: this.path }, detail: (err as Error).message })
    }
  }

  private async load(): Promise<Loaded> {
    let text: string
    try {
      const info = await stat(this.path)
      if (info.size > MAX_BYTES) return this.setAside('too-large')
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { accounts: [], writable: true }
      throw new AppError({ code: 'file-write-failed', params: { file: this.path }, detail: (err as Error).message })
    }

    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      return this.setAside('not-json')
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return this.setAside('not-an-object')
    const { version, accounts } = data as { version?: unknown; accounts?: unknown }
    if (typeof version === 'number' && Number.isInteger(version) && version > ACCOUNTS_VERSION) {
      // A newer app wrote this; reading what we understand is fine, overwriting is not.
      this.problem = diagnose('accounts-file-corrupt', {
        params: { reason: 'newer-version', version: String(version), file: this.path },
        detail: `accounts file has version ${version}; this app writes version ${ACCOUNTS_VERSION}`
      })
      return { accounts: this.valid(accounts).accounts, writable: false }
    }
    if (version !== ACCOUNTS_VERSION) return this.setAside('unknown-version')
    if (!Array.isArray(accounts)) return this.setAside('no-accounts-array')

    const { accounts: good, invalid } = this.valid(accounts)
    if (invalid > 0 && this.copied !== text) {
      // Keep the readable entries; keep the whole original file aside for whoever wants the rest.
      const aside = await this.asideName()
      await copyFile(this.path, aside)
      this.copied = text
      this.problem = this.corrupt('invalid-entries', aside, { invalid: String(invalid) })
    }
    return { accounts: good, writable: true }
  }

  private valid(raw: unknown): { accounts: Account[]; invalid: number } {
    if (!Array.isArray(raw)) return { accounts: [], invalid: 0 }
    const accounts: Account[] = []
    let invalid = 0
    for (const entry of raw) {
      const parsed = Account.safeParse(entry)
      if (parsed.success && !accounts.some((a) => a.id === parsed.data.id)) accounts.push(parsed.data)
      else invalid++
    }
    return { accounts, invalid }
  }

  private async setAside(reason: string): Promise<Loaded> {
    const aside = await this.asideName()
    await rename(this.path, aside)
    this.problem = this.corrupt(reason, aside)
    return { accounts: [], writable: true }
  }

  private corrupt(reason: string, aside: string, extra: Record<string, string> = {}): Diagnosis {
    return diagnose('accounts-file-corrupt', {
      params: { reason, file: this.path, keptAs: aside, keptAsName: basename(aside), ...extra },
      detail: `accounts file unreadable (${reason}); kept as ${aside}`
    })
  }

  private async asideName(): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    for (let n = 0; ; n++) {
      const candidate = `${this.path}.corrupt-${stamp}${n ? `-${n}` : ''}`
      try {
        await stat(candidate)
      } catch {
        return candidate
      }
    }
  }
}
