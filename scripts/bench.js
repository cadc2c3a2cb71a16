#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts with tsx, one after another, inside the same
// D-Bus session and keyring wrapper as the tests, printing their output.
//   npm run bench -- discovery   only files whose name contains "discovery"
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runInSession } from './session.js'
import { unpackDebs } from './debs.js'

const root = join(fileURLToPath(import.meta.url), '..', '..')
const dir = join(root, 'bench')
const filters = process.argv.slice(2)

let files = []
try {
  files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
} catch {
  // no bench folder yet
}
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)))
if (!files.length) {
  console.log('no bench/*.bench.ts files to run')
  process.exit(0)
}

// The bench's second implementation runs Cyrus from its unpacked packages.
const unpackError = unpackDebs()
if (unpackError) {
  console.error(unpackError)
  process.exit(2)
}

const failed = []
for (const file of files) {
  console.log(`\n== ${file}`)
  const code = await runInSession(join(root, 'node_modules', '.bin', 'tsx'), [join(dir, file)], { cwd: root })
  if (code !== 0) failed.push(`${file} (exit ${code})`)
}
console.log(
  `\n${files.length - failed.length} of ${files.length} benchmarks ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}`
)
process.exit(failed.length ? 1 : 0)
