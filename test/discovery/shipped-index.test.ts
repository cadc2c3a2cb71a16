// The build's index of the shipped autoconfig folders (electron.vite.config.ts puts it in
// shipped-index.ts) must say what indexing the folders at run time says, file for file; its
// validated provider table (shipped-providers.ts) what validating the files at run time gives;
// its parsed files (built-xml.ts) what parsing them at run time gives.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { parseXml } from '../../src/main/xml'
import { parseAutoconfig, readAutoconfig } from '../../src/main/discovery/autoconfig'
import { builtTree, xmlKey } from '../../src/main/discovery/built-xml'
import { indexFolder, indexForBuild } from '../../src/main/discovery/folder-index'
import { loadProviderTable, providersForBuild } from '../../src/main/discovery/builtin'

const RESOURCES = resolve(import.meta.dirname, '..', '..', 'resources')

describe('shipped folder index made at build time', () => {
  for (const folder of ['ispdb', 'isp']) {
    it(`${folder}: the same domains and files as the run-time index`, async () => {
      const dir = join(RESOURCES, folder)
      const [, built] = indexForBuild(dir)
      const live = await indexFolder(dir)
      expect(Object.keys(built).sort()).toEqual([...live.keys()].sort())
      for (const [domain, files] of live) expect(built[domain]).toEqual(files.map((f) => basename(f)))
      if (folder === 'ispdb') expect(built['googlemail.com']).toContain('googlemail.com.xml')
    })
  }
})

describe('shipped provider table validated at build time', () => {
  it('is, after its trip through the bundle as JSON, the table validating the files at run time gives', () => {
    const [key, built] = providersForBuild(RESOURCES)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    const live = loadProviderTable(RESOURCES).providers
    expect(JSON.parse(JSON.stringify(built))).toEqual(JSON.parse(JSON.stringify(live)))
    expect(live.find((p) => p.domains.includes('gmail.com'))?.oauth2?.issuer).toBeTruthy()
  })
})

describe('shipped autoconfig files parsed at build time', () => {
  it('read from their trees (after the trip through JSON) say what parsing the files at run time says', () => {
    let files = 0
    for (const folder of ['ispdb', 'isp']) {
      const dir = join(RESOURCES, folder)
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
        const bytes = readFileSync(join(dir, name))
        const addr = {
          address: 'someone@example.com',
          local: 'someone',
          domain: 'example.com',
          asciiDomain: 'example.com'
        }
        const tree = JSON.parse(JSON.stringify(parseXml(bytes)))
        expect(readAutoconfig(tree, addr), name).toEqual(parseAutoconfig(bytes, addr))
        files++
      }
    }
    expect(files).toBeGreaterThan(150)
  })

  it('are found by their bytes only: another file, or none built, gives no tree', () => {
    const bytes = readFileSync(join(RESOURCES, 'ispdb', '126.com.xml'))
    // Running from source no tree is built, so nothing is taken from a folder that happens to exist.
    expect(builtTree(bytes, RESOURCES)).toBeUndefined()
    expect(xmlKey(bytes)).toMatch(/^[0-9a-f]{64}$/)
    expect(xmlKey(Buffer.from(bytes.toString('utf8').replace('imap.126.com', 'imap.127.com')))).not.toBe(xmlKey(bytes))
  })
})
