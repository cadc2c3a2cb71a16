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

/**
 * Fewer, larger chunks on the paths with a start-up goal (issue 16): Node 20 spends about 0.35 ms
 * on every ES module file it loads, and split per lazy import an offline discover loaded 24 files
 * and a verify 29, most of them a few hundred bytes. The chunks follow the CLI's own stages, each
 * the static imports of its roots (minus the earlier stages): `base`, what the command line
 * imports before it reads its arguments (all --help loads); `core`, what every command loads once
 * it has them (the services, the API and its contract, the policy, the network code) and the
 * search; `probes`, the verification; `xml`, the XML parser with the code that asks it. Everything
 * else (export formats, OAuth sign-in, mail libraries, the suffix list) stays split per lazy import.
 * test/cli/start-up-modules.test.ts checks what each command loads.
 */
const STAGES: Array<[string, string[]]> = [
  ['base', ['src/main/cli/index.ts']],
  [
    'core',
    [
      'src/main/services.ts',
      'src/main/api/handlers.ts',
      'src/main/cli/output.ts',
      'src/main/cli/policy-notes.ts',
      'src/main/cli/password.ts',
      'src/main/discovery/index.ts'
    ]
  ],
  ['probes', ['src/main/verify/pipeline.ts', 'src/main/verify/index.ts', 'src/main/discovery/consent.ts']],
  ['xml', ['src/main/discovery/autoconfig.ts', 'src/main/discovery/sources/autodiscover-xml.ts']]
]
const stageOf = new Map<string, string>()
function chunkPlan(): Plugin {
  return {
    name: 'mail-setup-chunk-plan',
    buildEnd() {
      stageOf.clear()
      const seen = new Set<string>()
      for (const [stage, roots] of STAGES) {
        // Module ids use forward slashes on every platform.
        const todo = roots.map((r) => resolve(r).replace(/\\/g, '/'))
        for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
          const info = seen.has(id) ? undefined : this.getModuleInfo(id)
          if (!info) continue
          seen.add(id)
          // An entry stays its own file; what it imports statically joins the stage.
          if (!info.isEntry) stageOf.set(id, stage)
          todo.push(...info.importedIds)
        }
      }
    }
  }
}
const CHUNK_GROUPS = STAGES.map(([stage], i) => ({
  name: stage,
  priority: STAGES.length - i,
  test: (id: string): boolean => stageOf.get(id) === stage
}))

export default defineConfig({
  main: {
    plugins: [precompute(), moduleMap(), chunkPlan()],
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
        output: {
          minify: { compress: true, mangle: { keepNames: { function: true, class: true } } },
          codeSplitting: { groups: CHUNK_GROUPS }
        }
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
