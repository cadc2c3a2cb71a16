// Local autoconfig files: the shipped resources/isp folder, then the admin folders and
// --isp-dir folders, each indexed by every <domain> its files name (folder-index.ts). Every
// file found becomes a candidate.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../../config'
import { XmlError } from '../../xml-tree'
import { AutoconfigError, fileDraft, readAutoconfig, type AutoconfigFile } from '../autoconfig-tree'
import { builtTree } from '../built-xml'
import { MAX_CONFIG_BYTES } from '../fetch'
import { failed, found, nothing, type Source, type SourceContext } from '../types'
import type { SourceReason } from '../../../shared/source-reason'

export function ispDirs(config: Pick<Config, 'resourcesDir' | 'ispDirs'>): string[] {
  return [join(config.resourcesDir, 'isp'), ...config.ispDirs]
}

export type LocalRead = { file: AutoconfigFile; path: string } | { error: SourceReason; path: string; detail: string }

/**
 * Reads the files of `folders` that name `domain`; a file gone since the index is left out.
 * Synchronously: a few small local files, read before the network sources start
 * (discovery/index.ts), so the answer never waits behind their TLS set-up or a busy thread pool.
 */
export async function readLocal(
  ctx: SourceContext,
  domain: string,
  folders: 'local' | 'ispdb' = 'local'
): Promise<LocalRead[]> {
  if (!/^[a-z0-9.-]+$/.test(domain) || domain.includes('..')) return []
  const out: LocalRead[] = []
  for (const path of await ctx.folderFiles(folders, domain)) {
    try {
      const info = statSync(path)
      if (!info.isFile()) continue
      if (info.size > MAX_CONFIG_BYTES) {
        out.push({ error: 'too-large', path, detail: `${path}: ${info.size} bytes` })
        continue
      }
      const bytes = readFileSync(path)
      // A shipped file comes parsed by the build; any other loads the XML parser (once) and is parsed here.
      const tree = builtTree(bytes)
      const file = tree
        ? readAutoconfig(tree, ctx.addr)
        : (await import('../autoconfig')).parseAutoconfig(bytes, ctx.addr)
      out.push({ file, path })
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') continue
      const reason = err instanceof XmlError || err instanceof AutoconfigError ? err.reason : 'unreadable'
      out.push({ error: reason, path, detail: `${path}: ${(err as Error).message}`.slice(0, 500) })
    }
  }
  return out
}

/** The reads that gave a file (not the failures). */
export function readFiles(reads: LocalRead[]): Array<Extract<LocalRead, { file: AutoconfigFile }>> {
  return reads.filter((r): r is Extract<LocalRead, { file: AutoconfigFile }> => 'file' in r)
}

export const localSource: Source = {
  id: 'local-file',
  network: false,
  timeoutMs: 2000,
  async run(ctx) {
    const reads = await readLocal(ctx, ctx.addr.asciiDomain)
    const files = readFiles(reads)
    const drafts = files
      .filter((r) => r.file.incoming.length || r.file.outgoing.length)
      .map((r) => fileDraft(r.file, 'local-file', { level: 'trusted', reason: 'local-file', subject: r.path }))
    if (drafts.length) return found(drafts, files.map((f) => f.path).join(', '))
    const bad = reads.find((r) => 'error' in r)
    if (bad && 'error' in bad) return failed(bad.error, bad.detail)
    if (files.length) return nothing('no-servers', files.map((f) => f.path).join(', '))
    return nothing('no-file', `no file names ${ctx.addr.asciiDomain} in ${ispDirs(ctx.config).join(', ')}`)
  }
}
