// Which command an export names for `mail-setup token` (src/main/self-command.ts): always an
// absolute one that needs neither the current folder nor PATH.
import { realpathSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/config'
import { selfCommand } from '../../src/main/self-command'
import { entryRoute } from '../../src/main/entry-route'
import { KEYTAR_CALL } from '../../src/main/credentials/keytar-child'
import { ROOT } from '../cli/process'

const config = loadConfig({})

describe('selfCommand', () => {
  it("under Node: this node binary and the clone's bin/mail-setup.js, both absolute", () => {
    const argv = selfCommand(config, { execPath: '/usr/local/bin/node' })
    expect(argv).toEqual(['/usr/local/bin/node', realpathSync(join(ROOT, 'bin', 'mail-setup.js'))])
    expect(argv.every(isAbsolute)).toBe(true)
  })

  it("inside the app's binary: that binary with --cli, which the entry routes to the CLI", () => {
    const argv = selfCommand(config, { execPath: '/opt/Mail Setup/mail-setup', electron: '33.0.0' })
    expect(argv).toEqual(['/opt/Mail Setup/mail-setup', '--cli'])
    expect(entryRoute([...argv, 'token', 'a@b.test'], true)).toEqual({ kind: 'cli', args: ['token', 'a@b.test'] })
    // The keychain helper (credentials/keytar-child.ts) runs this way too: run-as-node is off there.
    expect(entryRoute([...argv, KEYTAR_CALL], true)).toEqual({ kind: 'cli', args: [KEYTAR_CALL] })
  })

  it("Electron run on the app's folder (development): the binary, that folder, then --cli", () => {
    const argv = selfCommand(config, { execPath: '/x/electron', electron: '33.0.0', unpackaged: true })
    expect(argv).toEqual(['/x/electron', ROOT.replace(/\/$/, ''), '--cli'])
    expect(entryRoute([...argv, 'token', 'a@b.test'], false)).toEqual({ kind: 'cli', args: ['token', 'a@b.test'] })
  })

  it('MAIL_SETUP_COMMAND wins when absolute, and is ignored when relative', () => {
    const rt = { execPath: '/opt/Mail Setup/mail-setup', electron: '33.0.0' }
    expect(selfCommand(loadConfig({ MAIL_SETUP_COMMAND: '/usr/bin/mail-setup' }), rt)).toEqual(['/usr/bin/mail-setup'])
    expect(selfCommand(loadConfig({ MAIL_SETUP_COMMAND: 'mail-setup' }), rt)).toEqual([
      '/opt/Mail Setup/mail-setup',
      '--cli'
    ])
  })
})
