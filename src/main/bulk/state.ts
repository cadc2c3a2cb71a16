// The state file of a bulk check: one JSON line per finished row, appended as each ends, so
// a run cut short (Ctrl+C, a crash, a reboot) resumes where it stopped. A torn last line is
// ignored. Rows are keyed by row number and address: an edited list does not skip new rows.
import { createReadStream, existsSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { CheckResult } from './check'

export async function readState(path: string): Promise<CheckResult[]> {
  if (!existsSync(path)) return []
  const out: CheckResult[] = []
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  for await (const line of lines) {
    try {
      const r = JSON.parse(line) as CheckResult
      if (typeof r.row === 'number' && typeof r.address === 'string' && typeof r.verdict === 'string') out.push(r)
    } catch {
      // A line cut off by the interruption: that row is checked again.
    }
  }
  return out
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
