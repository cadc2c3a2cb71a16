// The accounts list of a bulk check: a CSV with a header naming its columns. The password is
// given by reference (env:NAME, keychain:KEY, cmd:COMMAND); a plain `password` column is
// read only when the admin allows it, since the file then holds every password in clear.
import { parseAddress } from '../../shared/address'
import { createReadStream } from 'node:fs'
import { CsvError, CsvReader, parseCsv } from './csv'

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

/** The column names of a header line; throws CsvError for a header the check cannot use. */
export function readHeader(header: string[] | undefined, allowPlain: boolean): string[] {
  if (!header) throw new CsvError(1, 'the file is empty')
  const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim().toLowerCase())
  const unknown = names.filter((n) => !COLUMNS.has(n))
  if (unknown.length)
    throw new CsvError(1, `unknown column(s) ${unknown.join(', ')}; use address, username, password_ref, password`)
  if (!names.includes('address')) throw new CsvError(1, 'there is no address column')
  if (names.includes('password') && !allowPlain)
    throw new CsvError(
      1,
      'a plain password column is refused without --allow-plain-passwords; use password_ref (env:NAME, keychain:KEY or cmd:COMMAND)'
    )
  return names
}

/** One data line (`row` counts from 1) as an account, or why it is not one. */
export function readRow(names: string[], fields: string[], row: number): AccountRow | RowProblem {
  const col = (name: string): string | undefined => {
    const i = names.indexOf(name)
    const v = i >= 0 ? fields[i]?.trim() : undefined
    return v ? v : undefined
  }
  const parsed = parseAddress(col('address') ?? '')
  if (!parsed.ok) return { row, problem: `not a valid address (${parsed.problem})` }
  const ref = col('password_ref')
  const plain = names.includes('password') ? fields[names.indexOf('password')] : undefined
  return {
    row,
    address: parsed.address,
    username: col('username'),
    password: ref ? { ref } : plain ? { plain } : undefined
  }
}

export function readRows(text: string, allowPlain: boolean): { rows: AccountRow[]; problems: RowProblem[] } {
  const [header, ...data] = parseCsv(text)
  const names = readHeader(header, allowPlain)
  const rows: AccountRow[] = []
  const problems: RowProblem[] = []
  data.forEach((fields, i) => {
    const r = readRow(names, fields, i + 1)
    if ('problem' in r) problems.push(r)
    else rows.push(r)
  })
  return { rows, problems }
}

/**
 * The list at `path`, read as a stream: the header is checked before the first row (a CsvError
 * for a list the check cannot use), then each account or problem as its line is read. Memory
 * holds a piece of the file and one row, whatever the list's length.
 */
export async function* streamRows(
  path: string,
  allowPlain: boolean,
  onHeader?: (names: string[]) => void
): AsyncGenerator<AccountRow | RowProblem> {
  const reader = new CsvReader()
  let names: string[] | undefined
  let n = 0
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })
  try {
    const each = function* (rows: string[][]): Generator<AccountRow | RowProblem> {
      for (const fields of rows) {
        if (!names) {
          names = readHeader(fields, allowPlain)
          onHeader?.(names)
        } else yield readRow(names, fields, ++n)
      }
    }
    for await (const piece of input) yield* each(reader.push(piece as string))
    yield* each(reader.end())
    if (!names) readHeader(undefined, allowPlain)
  } finally {
    input.destroy()
  }
}
