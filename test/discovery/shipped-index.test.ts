// The build's index of the shipped autoconfig folders (electron.vite.config.ts puts it in
// shipped-index.ts) must say what indexing the folders at run time says, file for file.
import { describe, expect, it } from 'vitest'
import { basename, join, resolve } from 'node:path'
import { indexFolder, indexForBuild } from '../../src/main/discovery/folder-index'

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
