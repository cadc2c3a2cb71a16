// What makes two accounts lists "the same list" for a resume: every row's number, address,
// password reference and username, in order. A plain password never goes into it (only that the
// row has one), so the identity, which names a state file that outlives the app session, says
// nothing about any password. The rows an earlier run finished are keyed by row and address
// (state.ts), so a list whose identity matches resumes exactly where that run stopped.
import { createHash, type Hash } from 'node:crypto'
import type { AccountRow, RowProblem } from './rows'

export class ListIdentity {
  private readonly hash: Hash = createHash('sha256')

  add(row: AccountRow | RowProblem): void {
    const fields =
      'problem' in row
        ? [row.row, 'problem']
        : [
            row.row,
            row.address.toLowerCase(),
            row.username ?? '',
            !row.password ? 'none' : 'plain' in row.password ? 'plain' : `ref:${row.password.ref}`
          ]
    this.hash.update(`${JSON.stringify(fields)}\n`)
  }

  /** The identity as 64 hex characters. */
  digest(): string {
    return this.hash.digest('hex')
  }
}
