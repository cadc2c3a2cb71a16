// Accounts list in the user-data folder (stub: the credentials/export work fills this in).
import type { Account } from '../../shared/account'
import type { Diagnosis } from '../../shared/diagnosis'

export class AccountStore {
  private readonly memory = new Map<string, Account>()
  constructor(readonly dir: string) {}

  async list(): Promise<{ accounts: Account[]; problem?: Diagnosis }> {
    return { accounts: [...this.memory.values()] }
  }

  async get(id: string): Promise<Account | undefined> {
    return this.memory.get(id)
  }

  async upsert(account: Account): Promise<Account> {
    this.memory.set(account.id, account)
    return account
  }

  async remove(id: string): Promise<boolean> {
    return this.memory.delete(id)
  }
}
