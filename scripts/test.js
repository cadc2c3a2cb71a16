#!/usr/bin/env node
// `npm test`: every test. Checks (and as root installs) the Debian packages the tests use,
// builds the app for the browser-mode e2e tests, then runs vitest and Playwright inside one
// D-Bus session with an unlocked gnome-keyring and a throwaway HOME, and ends with
// "N passed, N failed[, N skipped]".
//
//   npm test                 vitest, then Playwright
//   npm test -- unit [args]  vitest only (args go to vitest)
//   npm test -- e2e [args]   Playwright only (args go to Playwright)
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureKeytar } from './keytar.js'
import { runInSession } from './session.js'
import { missingUnpacked, unpackDebs, UNPACKED } from './debs.js'
import { keepBlock, playwrightFailures, stripAnsi } from './failures.js'
import { heldPorts } from './held-ports.js'

const here = fileURLToPath(import.meta.url)
const root = join(here, '..', '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

export const PACKAGES = [
  'chromium',
  'xvfb',
  'xauth',
  'dovecot-imapd',
  'dovecot-pop3d',
  'dovecot-submissiond',
  'dovecot-lmtpd',
  'gnome-keyring',
  'libsecret-1-dev',
  'libsecret-tools',
  'dbus',
  'dbus-x11',
  'libxml2-utils',
  'msmtp',
  'isync',
  'fetchmail',
  'mutt',
  'aerc',
  'qrencode',
  'zbar-tools',
  'openssl',
  'iproute2',
  'python3-gi',
  'gir1.2-glib-2.0',
  'python3-markdown',
  'bind9-utils',
  'thunderbird',
  'claws-mail',
  'xdotool',
  'evolution-data-server',
  'gir1.2-edataserver-1.2',
  // the second implementation of the bench (test/world/second.ts); cyrus-imapd and cyrus-pop3d
  // are unpacked by scripts/debs.js, as they conflict with Dovecot's packages
  'cyrus-common',
  'postfix',
  'sasl2-bin',
  'libsasl2-modules',
  // mbsync's XOAUTH2 sign-in (Cyrus SASL has no XOAUTH2 of its own): test/clients/oauth.test.ts
  'libsasl2-modules-kdexoauth2',
  'util-linux',
  'python3'
]

/** Ends `npm test` before any test ran, saying why last (and in the block .ci/run prints). */
function stop(exitCode, title, lines) {
  for (const l of lines) console.error(l)
  for (const l of keepBlock(root, [{ runner: 'setup', title, error: lines.join('\n') }])) console.log(l)
  process.exit(exitCode)
}

/** Services the packages' scripts may have started: the bench runs its own instances. */
function stopPackagedServices() {
  for (const svc of ['dovecot', 'postfix', 'cyrus-imapd', 'saslauthd']) {
    spawnSync('invoke-rc.d', [svc, 'stop'], { stdio: 'ignore' })
  }
}

function missingPackages(packages) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { encoding: 'utf8' })
  const installed = new Set(
    (r.stdout ?? '')
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0].split(':')[0])
  )
  return packages.filter((p) => !installed.has(p))
}

/** Installs what is missing when root; otherwise names it and exits. */
function ensurePackages(packages = PACKAGES) {
  const missing = missingPackages(packages)
  if (!missing.length) return
  if (process.getuid?.() !== 0) {
    stop(2, 'missing Debian packages', [
      `Missing Debian packages: ${missing.join(' ')}`,
      `Install them as root: apt-get install -y --no-install-recommends ${missing.join(' ')}`
    ])
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing]
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (r.status !== 0) {
      stop(2, `apt-get ${args[0]} failed`, [`apt-get ${args.join(' ')} exited ${r.status}`])
    }
  }
  stopPackagedServices()
}

/** cyrus-imapd and cyrus-pop3d, unpacked (scripts/debs.js): apt-get download works without root. */
function ensureUnpacked() {
  if (!missingUnpacked().length) return
  console.log(`Unpacking Debian packages: ${UNPACKED.join(' ')}`)
  const err = unpackDebs()
  if (err) {
    stop(2, 'unpacking Debian packages failed', [String(err)])
  }
}

function build() {
  const r = spawnSync(bin('electron-vite'), ['build'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  })
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '')
    process.stderr.write(r.stderr ?? '')
    const said = stripAnsi(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)
      .split('\n')
      .filter((l) => l.trim())
    stop(1, 'electron-vite build failed', said.slice(-6))
  }
}

/**
 * Runs a runner; resolves to its exit code and its last lines of output. Without a terminal
 * (CI, a log file) its output goes through a pipe so those lines can name a setup error.
 */
function runChild(cmd, args, env) {
  const tty = process.stdout.isTTY
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: tty ? 'inherit' : ['inherit', 'pipe', 'pipe'],
      env: { ...process.env, ...env }
    })
    let tail = []
    const keep = (chunk, to) => {
      to.write(chunk)
      tail = tail
        .concat(stripAnsi(chunk).split('\n'))
        .filter((l) => l.trim())
        .slice(-8)
    }
    child.stdout?.on('data', (d) => keep(d, process.stdout))
    child.stderr?.on('data', (d) => keep(d, process.stderr))
    child.once('error', (err) => resolve({ code: 127, tail: [String(err)] }))
    child.once('exit', (code, signal) => {
      const done = () => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        resolve({ code: code ?? (signal ? 128 : 1), tail })
      }
      // The last output may still be in the pipe; a process the runner left behind may hold
      // it open for ever, so wait for it a moment only.
      if (tty) done()
      else {
        const t = setTimeout(done, 2000)
        child.once('close', () => {
          clearTimeout(t)
          done()
        })
      }
    })
  })
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** Inside the session: run the chosen runners, write their counts and failures to `out`. */
async function inner(mode, out, args) {
  const counts = { passed: 0, failed: 0, skipped: 0, notes: [], failures: [], near: [] }
  const reports = mkdtempSync(join(tmpdir(), 'reports-'))
  // A runner that failed without a failed test to show: its last lines say why.
  const setupError = (runner, code, tail) => {
    counts.failed += 1
    counts.notes.push(`${runner} exited ${code} without a failed test to show for it (setup error?)`)
    counts.failures.push({ runner: 'setup', title: `${runner} exited ${code}, no test failed`, error: tail.join('\n') })
  }
  if (mode !== 'e2e') {
    const file = join(reports, 'vitest.json')
    const mine = join(reports, 'vitest-failures.json')
    const { code, tail } = await runChild(
      bin('vitest'),
      [
        'run',
        '--reporter=default',
        '--reporter=json',
        `--reporter=${join(root, 'scripts', 'vitest-failures.js')}`,
        `--outputFile.json=${file}`,
        ...args
      ],
      { MAIL_SETUP_VITEST_FAILURES: mine }
    )
    const r = readJson(file)
    if (r) {
      counts.passed += r.numPassedTests ?? 0
      counts.failed += r.numFailedTests ?? 0
      counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
      // A failed file (import error, failed hook) has no failed test to count.
      const failedSuites = (r.testResults ?? []).filter(
        (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')
      ).length
      counts.failed += failedSuites
    }
    const f = readJson(mine)
    if (f) {
      counts.failures.push(...f.failures)
      counts.near.push(...f.near.map((n) => ({ runner: 'vitest', ...n })))
    }
    if (code !== 0 && (!r || counts.failed === 0)) setupError('vitest', code, tail)
  }
  if (mode !== 'unit') {
    if (!existsSync(join(root, 'playwright.config.ts'))) {
      counts.notes.push('Playwright skipped: there is no playwright.config.ts yet')
    } else {
      const file = join(reports, 'playwright.json')
      const before = counts.failed
      const { code, tail } = await runChild(bin('playwright'), ['test', '--reporter=list,json', ...args], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: file
      })
      const r = readJson(file)
      const s = r?.stats
      if (s) {
        counts.passed += (s.expected ?? 0) + (s.flaky ?? 0)
        counts.failed += s.unexpected ?? 0
        counts.skipped += s.skipped ?? 0
        if (s.flaky) counts.notes.push(`${s.flaky} Playwright test(s) passed only on retry`)
        if (r.errors?.length) counts.failed += r.errors.length
        counts.failures.push(...playwrightFailures(r, root))
        counts.near.push(...playwrightNear(r))
      }
      if (code !== 0 && (!s || counts.failed === before)) setupError('playwright', code, tail)
    }
  }
  rmSync(reports, { recursive: true, force: true })
  writeFileSync(out, JSON.stringify(counts))
}

/** Playwright tests that passed using more than half of their time limit. */
function playwrightNear(report) {
  const out = []
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const ms = t.results?.[t.results.length - 1]?.duration ?? 0
        if (t.status === 'expected' && t.timeout && ms > 0.5 * t.timeout) {
          out.push({
            runner: 'playwright',
            title: `e2e/${spec.file}:${spec.line} › ${spec.title}`,
            ms,
            limit: t.timeout
          })
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child)
  }
  for (const s of report?.suites ?? []) walk(s)
  return out
}

async function main() {
  const argv = process.argv.slice(2)
  if (argv[0] === '--inner') {
    await inner(argv[1], argv[2], argv.slice(3))
    return
  }
  const mode = argv[0] === 'unit' || argv[0] === 'e2e' ? argv[0] : 'all'
  const args = mode === 'all' ? argv : argv.slice(1)
  keepBlock(root, []) // no stale block from an earlier run
  ensurePackages()
  ensureUnpacked()
  const keytar = ensureKeytar(root, {
    isRoot: process.getuid?.() === 0,
    installPackages: ensurePackages,
    missingPackages
  })
  if (keytar) stop(2, 'keytar is not usable', [String(keytar)])
  if (mode !== 'unit' && existsSync(join(root, 'playwright.config.ts'))) build()

  const held = heldPorts()
  const heldNote = held.length
    ? `ports the test servers need are taken on all addresses: ${held.join(', ')}; stop that service`
    : undefined
  if (heldNote) console.log(`note: ${heldNote}`)

  const resultDir = mkdtempSync(join(tmpdir(), 'mail-setup-results-'))
  const out = join(resultDir, 'counts.json')
  const sessionNotes = []
  const code = await runInSession(process.execPath, [here, '--inner', mode, out, ...args], {
    cwd: root,
    notes: sessionNotes
  })
  const counts = readJson(out) ?? {
    passed: 0,
    failed: 1,
    skipped: 0,
    notes: [`test session exited ${code} before reporting`]
  }
  rmSync(resultDir, { recursive: true, force: true })
  const near = counts.near ?? []
  if (near.length) console.log(`== passed, but used more than half of their time limit (${near.length})`)
  for (const n of near.slice(0, 15)) {
    console.log(`  ${n.runner}: ${n.title} ${(n.ms / 1000).toFixed(1)} s of ${(n.limit / 1000).toFixed(0)} s`)
  }
  if (heldNote) counts.notes.push(heldNote)
  counts.notes.push(...sessionNotes)
  for (const note of counts.notes) console.log(`note: ${note}`)
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`)
  const failures = counts.failures ?? []
  if (heldNote && failures.length) failures.unshift({ runner: 'setup', title: 'a likely cause', error: heldNote })
  for (const note of sessionNotes) failures.unshift({ runner: 'setup', title: 'a likely cause', error: note })
  if ((counts.failed > 0 || code !== 0) && !failures.length) {
    failures.push({ runner: 'setup', title: `the test session exited ${code}`, error: counts.notes.join('\n') })
  }
  for (const line of keepBlock(root, failures)) console.log(line)
  process.exit(counts.failed > 0 || code !== 0 || sessionNotes.length ? 1 : 0)
}

main().catch((err) => stop(1, 'npm test itself failed', [String(err?.stack ?? err)]))
