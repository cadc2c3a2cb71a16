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

/**
 * A CSV reader fed in pieces (a file read as a stream): push() returns the rows each piece
 * completed, end() the last one. It holds one row at most, never the document.
 */
export class CsvReader {
  private row: string[] = []
  private field = ''
  private quoted = false
  private line = 1
  /** A last character whose meaning depends on the next one ('"' in a quoted field, '\r'). */
  private held = ''

  push(piece: string): string[][] {
    const text = this.held + piece
    this.held = ''
    return this.run(text, false)
  }

  end(): string[][] {
    const rows = this.run(this.held, true)
    this.held = ''
    if (this.quoted) throw new CsvError(this.line, 'a quoted field is not closed')
    this.push1()
    const row = this.row
    this.row = []
    if (row.some((f) => f !== '')) rows.push(row)
    return rows
  }

  private push1(): void {
    if (this.field.length > MAX_FIELD) throw new CsvError(this.line, `a field is longer than ${MAX_FIELD} characters`)
    this.row.push(this.field)
    if (this.row.length > MAX_FIELDS) throw new CsvError(this.line, `more than ${MAX_FIELDS} columns`)
    this.field = ''
  }

  /** Reads `text`; unless it is the last, a '"' or '\r' ending it waits for the next piece to say what it is. */
  private run(text: string, last: boolean): string[][] {
    const rows: string[][] = []
    let i = 0
    while (i < text.length) {
      const c = text[i]!
      if (!last && i === text.length - 1 && (c === '\r' || (c === '"' && this.quoted))) {
        this.held = c
        break
      }
      if (this.quoted) {
        if (c === '"' && text[i + 1] === '"') {
          this.field += '"'
          i += 2
          continue
        }
        if (c === '"') this.quoted = false
        else {
          if (c === '\n') this.line++
          this.field += c
          if (this.field.length > MAX_FIELD)
            throw new CsvError(this.line, `a field is longer than ${MAX_FIELD} characters`)
        }
        i++
        continue
      }
      if (c === '"' && this.field === '') this.quoted = true
      else if (c === ',') this.push1()
      else if (c === '\n' || c === '\r') {
        this.push1()
        if (this.row.some((f) => f !== '')) rows.push(this.row)
        this.row = []
        if (c === '\r' && text[i + 1] === '\n') i++
        this.line++
      } else {
        this.field += c
        if (this.field.length > MAX_FIELD)
          throw new CsvError(this.line, `a field is longer than ${MAX_FIELD} characters`)
      }
      i++
    }
    return rows
  }
}

/** Parses a whole document into rows of fields; the first row is usually the header. */
export function parseCsv(text: string): string[][] {
  const reader = new CsvReader()
  return [...reader.push(text), ...reader.end()]
}

function cell(value: string | number | undefined): string {
  let v = value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

export function csvLine(values: Array<string | number | undefined>): string {
  return `${values.map(cell).join(',')}\r\n`
}
