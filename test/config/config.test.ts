// Path lists from the environment (MAIL_SETUP_EXTRA_CA, MAIL_SETUP_ISP_DIRS): a Windows path
// keeps its drive letter's colon.
import { describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultResourcesDir, loadConfig, pathList } from '../../src/main/config'

describe('pathList', () => {
  it('splits at ; only on Windows, so C:\\ stays one path', () => {
    expect(pathList('C:\\certs\\ca.pem;D:\\more\\ca2.pem', 'win32')).toEqual(['C:\\certs\\ca.pem', 'D:\\more\\ca2.pem'])
  })

  it('splits at : or ; elsewhere, and drops empty entries', () => {
    expect(pathList('/etc/ca.pem:/opt/ca2.pem;;/srv/ca3.pem', 'linux')).toEqual([
      '/etc/ca.pem',
      '/opt/ca2.pem',
      '/srv/ca3.pem'
    ])
    expect(pathList(undefined, 'darwin')).toEqual([])
  })
})

describe('defaultResourcesDir', () => {
  it('is two folders above the code, three from the chunks the build shares, whatever the folder name holds', () => {
    expect(defaultResourcesDir('file:///opt/Mail%20Setup/resources/app.asar/out/main/chunks/version-x.js')).toBe(
      '/opt/Mail Setup/resources/app.asar/resources'
    )
    expect(defaultResourcesDir('file:///home/u/mail-setup/out/main/cli.js')).toBe('/home/u/mail-setup/resources')
    expect(defaultResourcesDir('file:///home/u/mail-setup/src/main/config.ts')).toBe('/home/u/mail-setup/resources')
  })

  it('ignores a resources folder planted in the current directory', () => {
    const planted = mkdtempSync(join(tmpdir(), 'planted-'))
    mkdirSync(join(planted, 'resources'))
    writeFileSync(join(planted, 'resources', 'providers.json'), '{"providers":[]}')
    const before = process.cwd()
    process.chdir(planted)
    try {
      expect(loadConfig({}).resourcesDir).toBe(join(import.meta.dirname, '..', '..', 'resources'))
    } finally {
      process.chdir(before)
    }
  })
})
