// CSV in and out (RFC 4180): quoted fields, doubled quotes, CRLF or LF. Bounded: a field or
// a line longer than the limits is an error, not a memory spike. Output cells that a
// spreadsheet would run as a formula (= + - @, tab, CR at the start) are prefixed with '.
export const MAX_FIELD = 4096
export const MAX_FIELDS = 32

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string
  ) {
    super(`line ${line}: ${message}`)
  }
}

/** Parses a whole document into rows of fields; the first row is usually the header. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let i = 0
  const push = (): void => {
    if (field.length > MAX_FIELD) throw new CsvError(line, `a field is longer than ${MAX_FIELD} characters`)
    row.push(field)
    if (row.length > MAX_FIELDS) throw new CsvError(line, `more than ${MAX_FIELDS} columns`)
    field = ''
  }
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
        if (field.length > MAX_FIELD) throw new CsvError(line, `a field is longer than ${MAX_FIELD} characters`)
      }
      i++
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') push()
    else if (c === '\n' || c === '\r') {
      push()
      if (row.some((f) => f !== '')) rows.push(row)
      row = []
      if (c === '\r' && text[i + 1] === '\n') i++
      line++
    } else field += c
    i++
  }
  if (quoted) throw new CsvError(line, 'a quoted field is not closed')
  push()
  if (row.some((f) => f !== '')) rows.push(row)
  return rows
}

function cell(value: string | number | undefined): string {
  let v = value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

export function csvLine(values: Array<string | number | undefined>): string {
  return `${values.map(cell).join(',')}\r\n`
}
