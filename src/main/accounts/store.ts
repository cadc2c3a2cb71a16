// The accounts list: `accounts.json` in the user-data folder, `{ version: 1, accounts: [...] }`.
// No secrets (those are in the keychain). Writes are atomic; a file we cannot read is moved
// aside and reported, never silently replaced; a file from a newer version is left alone.
import { copyFile, readFile, rename, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Account } from '../../shared/account'
import type { Diagnosis } from '../../shared/diagnosis'
import { AppError } from '../errors'
import { writeFileAtomic } from '../files'

export const ACCOUNTS_FILE = 'accounts.json'
export const ACCOUNTS_VERSION = 1
const MAX_BYTES = 5_000_000

interface Loaded {
  accounts: Account[]
  /** False when the file belongs to a newer version of the app. */
  writable: boolean
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
      throw new AppError({ code: 'internal', detail: `invalid account: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` })
    }
    return this.serial(async () => {
      const loaded = await this.load()
      this.requireWritable(loaded)
      const exists = loaded.accounts.some((a) => a.id === parsed.data.id)
      const next = exists ? loaded.accounts.map((a) => (a.id === parsed.data.id ? parsed.data : a)) : [...loaded.accounts, parsed.data]
      await this.write(next)
      return parsed.data
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

  /** One read-modify-write at a time within this process. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
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
      this.problem = {
        code: 'accounts-file-corrupt',
        userFixable: false,
        params: { reason: 'newer-version', version: String(version), file: this.path },
        detail: `accounts file has version ${version}; this app writes version ${ACCOUNTS_VERSION}`
      }
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
    return {
      code: 'accounts-file-corrupt',
      userFixable: false,
      params: { reason, file: this.path, keptAs: aside, keptAsName: basename(aside), ...extra },
      detail: `accounts file unreadable (${reason}); kept as ${aside}`
    }
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
