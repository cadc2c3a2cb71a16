import { readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { indexForBuild } from './src/main/discovery/folder-index'
import { providersForBuild } from './src/main/discovery/builtin'
import { xmlKey } from './src/main/discovery/built-xml'
import { parseXml } from './src/main/xml'

/**
 * Work done at build time instead of at every start: the shipped autoconfig folders' indexes
 * (which file names which domain) become the content of src/main/discovery/shipped-index.ts,
 * the validated provider table that of src/main/discovery/shipped-providers.ts, and every
 * shipped autoconfig file's parsed tree a file out/main/xml/<SHA-256>.json, named in
 * src/main/discovery/shipped-xml.ts (built-xml.ts reads them).
 */
function precompute(): Plugin {
  return {
    name: 'mail-setup-precompute',
    load(id) {
      if (id.replace(/\\/g, '/').endsWith('/src/main/discovery/shipped-xml.ts')) {
        const keys: string[] = []
        for (const d of ['isp', 'ispdb']) {
          const dir = resolve('resources', d)
          this.addWatchFile(dir)
          for (const name of readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xml'))) {
            const bytes = readFileSync(join(dir, name))
            let tree
            try {
              tree = parseXml(bytes)
            } catch {
              continue // refused at run time as well, with its reason
            }
            const key = xmlKey(bytes)
            keys.push(key)
            this.emitFile({ type: 'asset', fileName: `xml/${key}.json`, source: JSON.stringify(tree) })
          }
        }
        return `export const SHIPPED_XML = new Set(JSON.parse(${JSON.stringify(JSON.stringify(keys))}))\n`
      }
      if (id.replace(/\\/g, '/').endsWith('/src/main/discovery/shipped-providers.ts')) {
        for (const f of ['providers.json', 'oauth-providers.json']) this.addWatchFile(resolve('resources', f))
        const entry = providersForBuild(resolve('resources'))
        return `export const SHIPPED_PROVIDERS = new Map([JSON.parse(${JSON.stringify(JSON.stringify(entry))})])\n`
      }
      if (!id.replace(/\\/g, '/').endsWith('/src/main/discovery/shipped-index.ts')) return undefined
      const entries = ['isp', 'ispdb'].map((d) => indexForBuild(resolve('resources', d)))
      for (const d of ['isp', 'ispdb']) this.addWatchFile(resolve('resources', d))
      return `export const SHIPPED_INDEXES = new Map(JSON.parse(${JSON.stringify(JSON.stringify(entries))}))\n`
    }
  }
}

/**
 * out/main/modules.json: which source modules each chunk holds, so a test can tell what a
 * command loads (test/cli/start-up-modules.test.ts) and a profile's chunk names can be read.
 */
function moduleMap(): Plugin {
  return {
    name: 'mail-setup-module-map',
    generateBundle(_, bundle) {
      const root = resolve('.').replace(/\\/g, '/') + '/'
      const map: Record<string, string[]> = {}
      for (const chunk of Object.values(bundle))
        if (chunk.type === 'chunk')
          map[chunk.fileName] = chunk.moduleIds.map((id) => id.replace(/\\/g, '/').replace(root, '').replace(/\0/g, ''))
      this.emitFile({ type: 'asset', fileName: 'modules.json', source: `${JSON.stringify(map, null, 1)}\n` })
    }
  }
}

export default defineConfig({
  main: {
    plugins: [precompute(), moduleMap()],
    build: {
      // Dependencies are bundled into out/main (split per lazy import), so starting a door does
      // not walk node_modules resolving and compiling hundreds of files. keytar stays outside:
      // a native, optional dependency (a failed native build must not fail npm install);
      // bundled, a missing keytar would fail the build instead of being reported when the
      // keychain is used (credentials/store.ts loads it then).
      externalizeDeps: false,
      rollupOptions: {
        external: ['electron', 'keytar', /^keytar\//],
        // The Electron entry, the browser-mode server and the CLI share every service.
        input: {
          index: resolve('src/main/index.ts'),
          browser: resolve('src/main/browser.ts'),
          cli: resolve('src/main/cli/index.ts')
        },
        // Minified: V8 parses every byte of a chunk it loads, so half the bytes is less start-up
        // time. Function and class names stay, for stack traces and `--cpu-prof` profiles.
        output: { minify: { compress: true, mangle: { keepNames: { function: true, class: true } } } }
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything: bundle it into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    resolve: { alias: { '@shared': resolve('src/shared') } },
    plugins: [react()],
    build: {
      // The renderer ships to users: minify it (electron-vite leaves it readable by default).
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    }
  }
})
