// The accounts list of a bulk check: a CSV with a header naming its columns. The password is
// given by reference (env:NAME, keychain:KEY, cmd:COMMAND); a plain `password` column is
// read only when the admin allows it, since the file then holds every password in clear.
import { parseAddress } from '../../shared/address'
import { CsvError, parseCsv } from './csv'

export interface AccountRow {
  /** 1-based data row number (the header is row 0); the resume key. */
  row: number
  address: string
  /** A user name the admin fixed; the check then tries no other form. */
  username?: string
  password: { ref: string } | { plain: string } | undefined
}

export type RowProblem = { row: number; problem: string }

const COLUMNS = new Set(['address', 'username', 'password_ref', 'password'])

export function readRows(text: string, allowPlain: boolean): { rows: AccountRow[]; problems: RowProblem[] } {
  const [header, ...data] = parseCsv(text.replace(/^\uFEFF/, ''))
  if (!header) throw new CsvError(1, 'the file is empty')
  const names = header.map((h) => h.trim().toLowerCase())
  const unknown = names.filter((n) => !COLUMNS.has(n))
  if (unknown.length)
    throw new CsvError(1, `unknown column(s) ${unknown.join(', ')}; use address, username, password_ref, password`)
  if (!names.includes('address')) throw new CsvError(1, 'there is no address column')
  if (names.includes('password') && !allowPlain)
    throw new CsvError(
      1,
      'a plain password column is refused without --allow-plain-passwords; use password_ref (env:NAME, keychain:KEY or cmd:COMMAND)'
    )
  const col = (fields: string[], name: string): string | undefined => {
    const i = names.indexOf(name)
    const v = i >= 0 ? fields[i]?.trim() : undefined
    return v ? v : undefined
  }
  const rows: AccountRow[] = []
  const problems: RowProblem[] = []
  data.forEach((fields, i) => {
    const row = i + 1
    const parsed = parseAddress(col(fields, 'address') ?? '')
    if (!parsed.ok) {
      problems.push({ row, problem: `not a valid address (${parsed.problem})` })
      return
    }
    const ref = col(fields, 'password_ref')
    const plain = names.includes('password') ? fields[names.indexOf('password')] : undefined
    rows.push({
      row,
      address: parsed.address,
      username: col(fields, 'username'),
      password: ref ? { ref } : plain ? { plain } : undefined
    })
  })
  return { rows, problems }
}
