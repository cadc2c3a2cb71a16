// Offline discovery from the shipped ISPDB copy (resources/ispdb): what indexing the folder by
// every <domain> costs (first run of a process, then each later run), and how long offline
// discovery takes for each of the 963 domains the 163 files name. Appends its figures to
// BENCHMARKS.md under "Offline provider data".
//   npx tsx bench/offline-ispdb.bench.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig } from '../src/main/config'
import { parseAutoconfig } from '../src/main/discovery/autoconfig'
import { indexFolder } from '../src/main/discovery/folder-index'
import { discoverOffline } from '../test/discovery/offline'

const REPO = resolve(import.meta.dirname, '..')
const ISPDB = join(REPO, 'resources', 'ispdb')
const HEADING = '## Offline provider data'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const files = readdirSync(ISPDB).filter((f) => f.endsWith('.xml'))
  const domains = files.flatMap((f) => parseAutoconfig(readFileSync(join(ISPDB, f), 'utf8'), 'probe@x.example').domains)
  // What a lookup of <domain>.xml by file name alone (the local source before the index) finds.
  const byFileName = domains.filter((d) => files.includes(`${d.toLowerCase()}.xml`)).length

  let t = performance.now()
  await indexFolder(ISPDB)
  const firstIndex = performance.now() - t
  const recheck: number[] = []
  for (let i = 0; i < 200; i++) {
    t = performance.now()
    await indexFolder(ISPDB)
    recheck.push(performance.now() - t)
  }

  const config = loadConfig({}, { offline: true, resourcesDir: join(REPO, 'resources'), ispDirs: [] })
  const each: number[] = []
  let answered = 0
  const all = performance.now()
  for (const domain of domains) {
    t = performance.now()
    const r = await discoverOffline(`jane@${domain}`, config)
    each.push(performance.now() - t)
    if (r.sources.some((s) => s.source === 'ispdb' && s.state === 'found')) answered++
  }
  const total = performance.now() - all

  const lines = [
    `- ${new Date().toISOString().slice(0, 10)}, ${files.length} files naming ${domains.length} domains, every source but the network ones:`,
    `  - answered offline by the shipped copy: ${answered} of ${domains.length} (before: 0, the ISPDB source was online only; by file name alone, as the local source looked before: ${byFileName})`,
    `  - folder index: first run of a process ${firstIndex.toFixed(0)} ms; each later run ${median(recheck).toFixed(2)} ms median (a listing and a stat per file)`,
    `  - offline discovery per address: median ${median(each).toFixed(2)} ms, max ${Math.max(...each).toFixed(0)} ms; all ${domains.length} in ${(total / 1000).toFixed(1)} s`
  ]
  console.log(lines.join('\n'))

  const file = join(REPO, 'BENCHMARKS.md')
  const text = readFileSync(file, 'utf8')
  const at = text.indexOf(`\n${HEADING}\n`)
  if (at < 0) {
    writeFileSync(
      file,
      `${text.trimEnd()}\n\n${HEADING}\n\nRun with \`npx tsx bench/offline-ispdb.bench.ts\`; each run appends its figures here.\n\n${lines.join('\n')}\n`
    )
  } else {
    const next = text.indexOf('\n## ', at + 1)
    const end = next < 0 ? text.length : next
    writeFileSync(file, `${text.slice(0, end).trimEnd()}\n\n${lines.join('\n')}\n${next < 0 ? '' : text.slice(end)}`)
  }
  if (answered !== domains.length) {
    console.error(`FAIL: ${domains.length - answered} domains not answered offline`)
    process.exitCode = 1
  }
}

await main()
