// The state file of a bulk check: one JSON line per finished row, appended as each ends, so
// a run cut short (Ctrl+C, Stop, a crash, a reboot) resumes where it stopped. A torn last line
// is ignored. Rows are keyed by row number and address: an edited list does not skip new rows.
// Everything after the run (the summary, the CSV and the HTML report) reads this file again as
// a stream, so no part of the check holds every row.
import { createReadStream, existsSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { CheckResult } from './check'

/** Each finished row of the state file, in the order the rows finished. */
export async function* eachState(path: string): AsyncGenerator<CheckResult> {
  if (!existsSync(path)) return
  const input = createReadStream(path, 'utf8')
  const lines = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of lines) {
      let r: CheckResult
      try {
        r = JSON.parse(line) as CheckResult
      } catch {
        // A line cut off by the interruption: that row is checked again.
        continue
      }
      if (typeof r?.row === 'number' && typeof r.address === 'string' && typeof r.verdict === 'string') yield r
    }
  } finally {
    lines.close()
    input.destroy()
  }
}

/** The keys of the rows already done (a key per row, not the row). */
export async function doneKeys(path: string): Promise<Set<string>> {
  const keys = new Set<string>()
  for await (const r of eachState(path)) keys.add(stateKey(r))
  return keys
}

export const stateKey = (r: Pick<CheckResult, 'row' | 'address'>): string => `${r.row}|${r.address.toLowerCase()}`

/** Appends one finished row; appends are serialised so lines never interleave. */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve()

  constructor(private readonly path: string) {}

  append(r: CheckResult): Promise<void> {
    this.chain = this.chain.then(() => appendFile(this.path, `${JSON.stringify(r)}\n`, { mode: 0o600 }))
    return this.chain
  }
}
