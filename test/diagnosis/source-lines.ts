// Every line of every TypeScript file under src/, for tests that prove a fact is written in
// one place only.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(__dirname, '..', '..')

export interface SourceLine {
  /** Path from the repository root, with forward slashes. */
  file: string
  line: number
  text: string
}

export function sourceLines(dir = join(root, 'src')): SourceLine[] {
  const out: SourceLine[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceLines(path))
    else if (/\.tsx?$/.test(entry.name)) {
      const file = relative(root, path).split('\\').join('/')
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, i) => out.push({ file, line: i + 1, text }))
    }
  }
  return out
}
