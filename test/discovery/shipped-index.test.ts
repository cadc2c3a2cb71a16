// The build's index of the shipped autoconfig folders (electron.vite.config.ts puts it in
// shipped-index.ts) must say what indexing the folders at run time says, file for file; its
// validated provider table (shipped-providers.ts) what validating the files at run time gives.
import { describe, expect, it } from 'vitest'
import { basename, join, resolve } from 'node:path'
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
