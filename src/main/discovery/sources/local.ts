// Local autoconfig files: <dir>/<domain>.xml in the shipped resources/isp folder, then the
// admin folders and --isp-dir folders. Every file found becomes a candidate.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { XmlError } from '../../xml'
import { AutoconfigError, fileDraft, parseAutoconfig, type AutoconfigFile } from '../autoconfig'
import { MAX_CONFIG_BYTES } from '../fetch'
import { failed, found, nothing, type Source, type SourceContext } from '../types'

export function ispDirs(ctx: SourceContext): string[] {
  return [join(ctx.config.resourcesDir, 'isp'), ...ctx.config.ispDirs]
}

export type LocalRead = { file: AutoconfigFile; path: string } | { error: string; path: string; detail: string }

/** Reads `<dir>/<domain>.xml` from every folder; missing files are left out. */
export async function readLocal(ctx: SourceContext, domain: string): Promise<LocalRead[]> {
  if (!/^[a-z0-9.-]+$/.test(domain) || domain.includes('..')) return []
  const out: LocalRead[] = []
  for (const dir of ispDirs(ctx)) {
    const path = join(dir, `${domain}.xml`)
    try {
      const info = await stat(path)
      if (!info.isFile()) continue
      if (info.size > MAX_CONFIG_BYTES) {
        out.push({ error: 'too-large', path, detail: `${path}: ${info.size} bytes` })
        continue
      }
      out.push({ file: parseAutoconfig(await readFile(path), ctx.addr), path })
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') continue
      const reason = err instanceof XmlError || err instanceof AutoconfigError ? err.reason : 'unreadable'
      out.push({ error: reason, path, detail: `${path}: ${(err as Error).message}`.slice(0, 500) })
    }
  }
  return out
}

export const localSource: Source = {
  id: 'local-file',
  network: false,
  timeoutMs: 2000,
  async run(ctx) {
    const reads = await readLocal(ctx, ctx.addr.asciiDomain)
    const files = reads.filter((r): r is Extract<LocalRead, { file: AutoconfigFile }> => 'file' in r)
    const drafts = files
      .filter((r) => r.file.incoming.length || r.file.outgoing.length)
      .map((r) => fileDraft(r.file, 'local-file', { level: 'trusted', reason: 'local-file', subject: r.path }))
    if (drafts.length) return found(drafts, files.map((f) => f.path).join(', '))
    const bad = reads.find((r) => 'error' in r)
    if (bad && 'error' in bad) return failed(bad.error, bad.detail)
    if (files.length) return nothing('no-servers', files.map((f) => f.path).join(', '))
    return nothing('no-file', `no ${ctx.addr.asciiDomain}.xml in ${ispDirs(ctx).join(', ')}`)
  }
}
