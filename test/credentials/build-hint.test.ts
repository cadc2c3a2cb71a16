// What the keychain-unavailable words tell a user to install, and which command builds keytar.
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keytarFix } from '../../src/main/credentials/build-hint'

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n'
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'

/** A PATH holding only the named programs. */
function pathWith(...programs: string[]): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'path-'))
  for (const p of programs) {
    writeFileSync(join(dir, p), '#!/bin/sh\n')
    chmodSync(join(dir, p), 0o755)
  }
  return { PATH: dir }
}

describe('keytarFix', () => {
  it('names libsecret-1-dev on Debian and Ubuntu, plus the build tools missing from PATH', () => {
    expect(keytarFix('linux', pathWith('g++', 'make', 'python3', 'pkg-config'), DEBIAN, true)).toEqual({
      install: 'libsecret-1-dev',
      build: 'npm rebuild keytar'
    })
    expect(keytarFix('linux', pathWith('python3'), UBUNTU, true).install).toBe('libsecret-1-dev g++ make pkg-config')
  })

  it("uses each platform's own package names", () => {
    const env = pathWith()
    expect(keytarFix('linux', env, 'ID="fedora"\n', true).install).toBe('libsecret-devel')
    expect(keytarFix('linux', env, 'ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', true).install).toBe(
      'libsecret-devel'
    )
    expect(keytarFix('linux', env, 'ID=arch\n', true).install).toBe('libsecret')
    expect(keytarFix('darwin', env, '', true).install).toMatch(/xcode-select --install/)
    expect(keytarFix('win32', env, '', true).install).toMatch(/Build Tools/)
  })

  it('says npm install when npm left keytar out (nothing to rebuild), npm rebuild keytar when it is there', () => {
    expect(keytarFix('linux', pathWith(), DEBIAN, false).build).toBe('npm install')
    expect(keytarFix('linux', pathWith(), DEBIAN, true).build).toBe('npm rebuild keytar')
  })

  it('reads this machine: Debian 12 with keytar installed (npm test builds it)', () => {
    expect(keytarFix()).toMatchObject({
      install: expect.stringMatching(/^libsecret-1-dev\b/),
      build: 'npm rebuild keytar'
    })
  })
})
