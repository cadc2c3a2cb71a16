// The installers' configuration (electron-builder.json), checked without building: the
// Electron runtime cannot be downloaded here, so the build itself runs elsewhere
// (docs/packaging.md). electron-builder's own schema validates the file.
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { minimatch } from 'minimatch'
import { describe, expect, it } from 'vitest'
import { findPolicyFile, systemPolicyFile } from '../../src/main/policy-location'

const require = createRequire(import.meta.url)
const root = new URL('../../', import.meta.url).pathname
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'))

/** What electron-builder would pack for `path`: the last matching pattern decides. */
function packed(path: string): boolean {
  let result = false
  for (const pattern of config.files as string[]) {
    const negated = pattern.startsWith('!')
    if (minimatch(path, negated ? pattern.slice(1) : pattern, { dot: true })) result = !negated
  }
  return result
}

describe('installer configuration', () => {
  it("passes electron-builder's own schema, and the schema refuses a misspelt option", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js')
    const { DebugLogger } = require('builder-util/out/DebugLogger.js')
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    await expect(
      validateConfiguration({ ...config, nsis: { ...config.nsis, perMachin: true } }, new DebugLogger(false))
    ).rejects.toThrow(/configuration\.nsis/)
  })

  it('sets the fuses: no run-as-node, no NODE_OPTIONS or inspect, encrypted cookies, app only from an intact ASAR', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('builds AppImage, deb, a per-machine NSIS installer and a DMG', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.deb.depends).toContain('libsecret-1-0')
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis'])
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true })
    expect(config.mac.target.map((t: { target: string }) => t.target)).toEqual(['dmg'])
  })

  it('packs the built app and the shipped data, not source maps or sources', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    for (const path of [
      pkg.main,
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/main/cli.js',
      'resources/providers.json',
      'resources/oauth-providers.json',
      'package.json'
    ]) {
      expect(packed(path), path).toBe(true)
    }
    for (const path of [
      'out/main/index.js.map',
      'src/main/index.ts',
      'test/world/index.ts',
      'e2e/a11y.spec.ts',
      '.ci/run'
    ]) {
      expect(packed(path), path).toBe(false)
    }
    // keytar's native module cannot be loaded from inside the archive.
    expect(config.asarUnpack).toContain('node_modules/keytar/**')
  })

  it('ships the policy folder beside the archive, where an installer can write policy.json', () => {
    expect(config.extraResources).toEqual([{ from: 'packaging/policy', to: 'policy', filter: ['README.txt'] }])
    expect(readFileSync(join(root, 'packaging/policy/README.txt'), 'utf8')).toContain('policy.json')
  })
})

describe('policy location', () => {
  it('names one documented system file per OS', () => {
    expect(systemPolicyFile('linux', {})).toBe('/etc/mail-setup/policy.json')
    expect(systemPolicyFile('darwin', {})).toBe('/Library/Application Support/Mail Setup/policy.json')
    expect(systemPolicyFile('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Mail Setup\\policy.json')
  })

  it("a policy in the installed app's resources is managed and wins over MAIL_SETUP_POLICY", () => {
    const resources = mkdtempSync(join(tmpdir(), 'mail-setup-resources-'))
    const env = { MAIL_SETUP_POLICY: join(resources, 'user.json') }
    expect(findPolicyFile(env, 'linux', resources)).toEqual({ file: env.MAIL_SETUP_POLICY, managed: false })
    mkdirSync(join(resources, 'policy'))
    writeFileSync(join(resources, 'policy', 'policy.json'), '{}')
    expect(findPolicyFile(env, 'linux', resources)).toEqual({
      file: join(resources, 'policy', 'policy.json'),
      managed: true
    })
    expect(findPolicyFile({}, 'linux', undefined)).toBeUndefined()
  })
})
