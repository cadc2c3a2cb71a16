// Debian packages the tests use but cannot install: cyrus-imapd and cyrus-pop3d conflict with
// dovecot-imapd and dovecot-pop3d (each provides imap-server/pop3-server). They are fetched
// with `apt-get download` (the ordinary apt client) and unpacked, not installed, into
// node_modules/.cache/mail-setup-debs; test/world/second.ts runs their binaries from there.
// Their dependencies (cyrus-common and its libraries) are installed normally (PACKAGES).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const UNPACKED = ['cyrus-imapd', 'cyrus-pop3d']

const root = join(fileURLToPath(import.meta.url), '..', '..')

/** Where the unpacked packages' files live (their usr/… tree). */
export function extractedDebRoot() {
  return join(root, 'node_modules', '.cache', 'mail-setup-debs')
}

function candidate(pkg) {
  const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' })
  return /Candidate:\s*(\S+)/.exec(r.stdout ?? '')?.[1]
}

/** The packages not yet unpacked (at their current candidate version). */
export function missingUnpacked() {
  return UNPACKED.filter((p) => !existsSync(join(extractedDebRoot(), `.${p}_${candidate(p)}`)))
}

/** Downloads and unpacks what is missing; returns an error message or undefined. */
export function unpackDebs(pkgs = missingUnpacked()) {
  if (!pkgs.length) return undefined
  const dest = extractedDebRoot()
  mkdirSync(dest, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'debs-'))
  try {
    const dl = spawnSync('apt-get', ['download', '-qq', ...pkgs], { cwd: work, encoding: 'utf8' })
    if (dl.status !== 0) return `apt-get download ${pkgs.join(' ')} failed: ${dl.stderr}`
    for (const file of readdirSync(work).filter((f) => f.endsWith('.deb'))) {
      const x = spawnSync('dpkg-deb', ['-x', join(work, file), dest], { encoding: 'utf8' })
      if (x.status !== 0) return `dpkg-deb -x ${file} failed: ${x.stderr}`
    }
    for (const p of pkgs) writeFileSync(join(dest, `.${p}_${candidate(p)}`), '')
    return undefined
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
