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

/** Services the packages' scripts may have started: the bench runs its own instances. */
function stopPackagedServices() {
  for (const svc of ['postfix', 'cyrus-imapd']) spawnSync('invoke-rc.d', [svc, 'stop'], { stdio: 'ignore' })
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
    console.error(`Missing Debian packages: ${missing.join(' ')}`)
    console.error(`Install them as root: apt-get install -y --no-install-recommends ${missing.join(' ')}`)
    process.exit(2)
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing]
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (r.status !== 0) {
      console.error(`apt-get ${args[0]} failed`)
      process.exit(2)
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
    console.error(err)
    process.exit(2)
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
    console.error('electron-vite build failed')
    process.exit(1)
  }
}

function runChild(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
    child.once('error', () => resolve(127))
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** Inside the session: run the chosen runners, write their counts to `out`. */
async function inner(mode, out, args) {
  const counts = { passed: 0, failed: 0, skipped: 0, notes: [] }
  const reports = mkdtempSync(join(tmpdir(), 'reports-'))
  if (mode !== 'e2e') {
    const file = join(reports, 'vitest.json')
    const code = await runChild(bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${file}`,
      ...args
    ])
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
    if (code !== 0 && (!r || counts.failed === 0)) {
      counts.failed += 1
      counts.notes.push(`vitest exited ${code} without a failed test to show for it (setup error?)`)
    }
  }
  if (mode !== 'unit') {
    if (!existsSync(join(root, 'playwright.config.ts'))) {
      counts.notes.push('Playwright skipped: there is no playwright.config.ts yet')
    } else {
      const file = join(reports, 'playwright.json')
      const code = await runChild(bin('playwright'), ['test', '--reporter=list,json', ...args], {
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
      }
      if (code !== 0 && (!s || counts.failed === 0)) {
        counts.failed += 1
        counts.notes.push(`playwright exited ${code} without a failed test to show for it (setup error?)`)
      }
    }
  }
  rmSync(reports, { recursive: true, force: true })
  writeFileSync(out, JSON.stringify(counts))
}

async function main() {
  const argv = process.argv.slice(2)
  if (argv[0] === '--inner') {
    await inner(argv[1], argv[2], argv.slice(3))
    return
  }
  const mode = argv[0] === 'unit' || argv[0] === 'e2e' ? argv[0] : 'all'
  const args = mode === 'all' ? argv : argv.slice(1)
  ensurePackages()
  ensureUnpacked()
  const keytar = ensureKeytar(root, {
    isRoot: process.getuid?.() === 0,
    installPackages: ensurePackages,
    missingPackages
  })
  if (keytar) {
    console.error(keytar)
    process.exit(2)
  }
  if (mode !== 'unit' && existsSync(join(root, 'playwright.config.ts'))) build()

  const resultDir = mkdtempSync(join(tmpdir(), 'mail-setup-results-'))
  const out = join(resultDir, 'counts.json')
  const code = await runInSession(process.execPath, [here, '--inner', mode, out, ...args], { cwd: root })
  const counts = readJson(out) ?? {
    passed: 0,
    failed: 1,
    skipped: 0,
    notes: [`test session exited ${code} before reporting`]
  }
  rmSync(resultDir, { recursive: true, force: true })
  for (const note of counts.notes) console.log(`note: ${note}`)
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`)
  process.exit(counts.failed > 0 || code !== 0 ? 1 : 0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
