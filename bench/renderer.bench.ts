// Wizard benchmark: the renderer's initial JavaScript (gzip) and the time from page load to
// the address field being usable, in Chromium, served by the real browser-mode server.
//   npx tsx bench/renderer.bench.ts [runs]
// Builds into a temp folder; appends its figures to BENCHMARKS.md under "Wizard".
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import { loadConfig } from '../src/main/config'
import { createServices } from '../src/main/services'
import { startBrowserServer } from '../src/main/doors/http'

const runs = Number(process.argv[2] ?? 20)
const tmp = mkdtempSync(join(tmpdir(), 'mail-setup-renderer-bench-'))
const out = join(tmp, 'out')

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`

try {
  execFileSync('npx', ['electron-vite', 'build', '--outDir', out, '--logLevel', 'error'], { stdio: 'inherit' })
  const rendererDir = join(out, 'renderer')

  // What the page loads before the first paint: the entry script, its preloads and the CSS.
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/(?:src|href)="(?:\.\/|\/)?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
  const size = (files: string[]) =>
    files.reduce(
      (acc, f) => {
        const body = readFileSync(join(rendererDir, f))
        return { raw: acc.raw + body.length, gz: acc.gz + gzipSync(body, { level: 9 }).length }
      },
      { raw: 0, gz: 0 }
    )
  const js = size(refs.filter((f) => f.endsWith('.js')))
  const css = size(refs.filter((f) => f.endsWith('.css')))

  const userData = join(tmp, 'user-data')
  const services = createServices(
    loadConfig({ ...process.env, MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_USER_DATA: userData })
  )
  const server = await startBrowserServer({ services, rendererDir, version: 'bench' })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ],
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') }
  })
  const times: number[] = []
  try {
    for (let i = 0; i < runs + 1; i++) {
      // A fresh context each time: nothing cached (the server also sends no-store).
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(server.url, { waitUntil: 'commit' })
      // Usable: rendered, enabled, focused; measured in the page against navigation start.
      const handle = await page.waitForFunction(
        () => {
          const el = document.getElementById('address') as HTMLInputElement | null
          return el && !el.disabled && document.activeElement === el ? performance.now() : 0
        },
        undefined,
        { polling: 'raf', timeout: 10_000 }
      )
      const ms = (await handle.jsonValue()) as number
      if (i > 0) times.push(ms) // the first run warms Chromium's own start-up
      await context.close()
    }
  } finally {
    await browser.close()
    await server.close()
  }

  const date = new Date().toISOString().slice(0, 10)
  const load = loadavg()[0]!.toFixed(1)
  const lines = [
    `- ${date}, ${runs} cold page loads (fresh browser context each, served by the browser-mode server on loopback, Chromium ${browser.version()}, build as \`electron-vite build\` makes it, load average ${load}):`,
    `  - initial JavaScript: ${kb(js.gz)} gzip (${kb(js.raw)} raw), CSS ${kb(css.gz)} gzip; target < 250 KB gzip`,
    `  - page load → address field usable (rendered, focused): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)} ms); target < 1000 ms`
  ]
  console.log(lines.join('\n'))

  const file = 'BENCHMARKS.md'
  let doc = readFileSync(file, 'utf8')
  const heading = '## Wizard'
  if (!doc.includes(`\n${heading}\n`)) {
    doc = `${doc.trimEnd()}\n\n${heading}\n\nRun with \`npx tsx bench/renderer.bench.ts [runs]\`; each run appends its figures here.\n`
  }
  const start = doc.indexOf(`\n${heading}\n`) + 1
  const nextSection = doc.indexOf('\n## ', start + heading.length)
  const end = nextSection < 0 ? doc.length : nextSection + 1
  const section = `${doc.slice(start, end).trimEnd()}\n\n${lines.join('\n')}\n`
  doc = `${doc.slice(0, start)}${section}${nextSection < 0 ? '' : `\n${doc.slice(end)}`}`
  writeFileSync(file, doc)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
