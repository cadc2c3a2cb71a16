// The packaged app's command line: run-as-node is off in the installers, so the Electron
// entry runs the CLI when its first argument is --cli, and the installers carry a wrapper
// per OS that calls the app's binary that way. No Electron runtime here: the routing is a
// plain function, and the Linux wrapper runs against a stand-in binary that prints its argv.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entryRoute } from '../../src/main/entry-route'

const root = new URL('../../', import.meta.url).pathname
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'))

describe('Electron entry routing', () => {
  it('runs the CLI with the arguments after --cli in a packaged app', () => {
    expect(entryRoute(['/opt/Mail Setup/mail-setup', '--cli', 'verify', 'a@example.org', '--json'], true)).toEqual({
      kind: 'cli',
      args: ['verify', 'a@example.org', '--json']
    })
    expect(entryRoute(['C:\\Program Files\\Mail Setup\\Mail Setup.exe', '--cli'], true)).toEqual({
      kind: 'cli',
      args: []
    })
  })

  it('skips the app path that an unpackaged Electron has as argv[1]', () => {
    expect(entryRoute(['/usr/bin/electron', '.', '--cli', '--version'], false)).toEqual({
      kind: 'cli',
      args: ['--version']
    })
    // Packaged, the same argv means "." was the user's first argument: the window.
    expect(entryRoute(['/usr/bin/electron', '.', '--cli', '--version'], true)).toEqual({ kind: 'window' })
  })

  it('opens the window otherwise, also when --cli comes later (an argument of something else)', () => {
    expect(entryRoute(['/opt/Mail Setup/mail-setup'], true)).toEqual({ kind: 'window' })
    expect(entryRoute(['/opt/Mail Setup/mail-setup', '--no-sandbox', '--cli', 'verify'], true)).toEqual({
      kind: 'window'
    })
    expect(entryRoute(['/Applications/Mail Setup.app/Contents/MacOS/Mail Setup', '-psn_0_12345'], true)).toEqual({
      kind: 'window'
    })
  })
})

describe('CLI wrappers in the installers', () => {
  it('ships one wrapper per OS beside the binary (extraFiles), each calling it with --cli', () => {
    expect(config.linux.extraFiles).toEqual([{ from: 'packaging/cli/mail-setup-linux', to: 'mail-setup-cli' }])
    expect(config.mac.extraFiles).toEqual([{ from: 'packaging/cli/mail-setup-mac', to: 'mail-setup-cli' }])
    expect(config.win.extraFiles).toEqual([{ from: 'packaging/cli/mail-setup.cmd', to: 'mail-setup.cmd' }])
    // The binaries they call are the ones electron-builder names from the config.
    expect(readFileSync(join(root, 'packaging/cli/mail-setup-linux'), 'utf8')).toContain(
      `"$here/${config.linux.executableName}" --cli "$@"`
    )
    expect(readFileSync(join(root, 'packaging/cli/mail-setup-mac'), 'utf8')).toContain(
      `"$here/MacOS/${config.productName}" --cli "$@"`
    )
    const cmd = readFileSync(join(root, 'packaging/cli/mail-setup.cmd'), 'utf8')
    expect(cmd).toContain(`"%~dp0${config.productName}.exe" --cli %*`)
    expect(cmd).toContain('exit /b %ERRORLEVEL%')
    // cmd.exe reads batch files with CRLF line ends.
    expect(
      cmd
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r'))
    ).toBe(true)
  })

  it('the Linux wrapper, reached through a link on the PATH, hands every argument over unchanged with its exit code', () => {
    const app = mkdtempSync(join(tmpdir(), 'mail-setup-app-'))
    const bin = join(app, 'bin')
    mkdirSync(bin)
    copyFileSync(join(root, 'packaging/cli/mail-setup-linux'), join(app, 'mail-setup-cli'))
    chmodSync(join(app, 'mail-setup-cli'), 0o755)
    // Stand-in for the app's binary: prints each argument on its own line, exits 6.
    writeFileSync(
      join(app, config.linux.executableName),
      '#!/bin/sh\nfor a in "$@"; do printf "<%s>\\n" "$a"; done\nexit 6\n',
      { mode: 0o755 }
    )
    symlinkSync(join(app, 'mail-setup-cli'), join(bin, 'mail-setup'))
    let status = 0
    let out = ''
    try {
      execFileSync(join(bin, 'mail-setup'), ['verify', 'a b@example.org', '--name', "O'Brien $HOME *"], {
        encoding: 'utf8'
      })
    } catch (err) {
      ;({ status, stdout: out } = err as { status: number; stdout: string })
    }
    expect(status).toBe(6)
    expect(out).toBe(['<--cli>', '<verify>', '<a b@example.org>', '<--name>', "<O'Brien $HOME *>", ''].join('\n'))
  })
})
