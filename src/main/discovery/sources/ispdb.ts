// The ISPDB: Mozilla's curated database, trusted as such. Its files ship with the app
// (resources/ispdb, indexed by every domain they name), so the 963 domains they cover are
// answered at once, offline too, without telling anyone which domain is being set up. Other
// domains are asked of the online ISPDB at <base URL><domain> (not when offline).
import { join } from 'node:path'
import type { Config } from '../../config'
import { fileDraft } from '../autoconfig-tree'
import { fetchAutoconfig, type Fetched } from '../fetch'
import { found, type Draft, type Source, type SourceContext } from '../types'
import { outcomeOf } from './autoconfig-web'
import { readFiles, readLocal } from './local'

export function shippedIspdbDir(config: Pick<Config, 'resourcesDir'>): string {
  return join(config.resourcesDir, 'ispdb')
}

export function ispdbUrl(ctx: SourceContext, domain: string): string {
  const base = ctx.config.ispdbBaseUrl
  return `${base}${base.endsWith('/') ? '' : '/'}${encodeURIComponent(domain)}`
}

export function ispdbTrust(f: Extract<Fetched, { ok: true }>): Draft['trust'] {
  return f.res.url.startsWith('https:') && !f.res.leftHttps
    ? { level: 'trusted', reason: 'ispdb', subject: f.res.url }
    : { level: 'confirm', reason: 'plain-http', subject: f.res.url }
}

export function fetchIspdb(ctx: SourceContext, domain: string): Promise<Fetched> {
  return fetchAutoconfig(ctx, ispdbUrl(ctx, domain))
}

/** Drafts from the shipped copy for a domain (empty when it names none), labelled as the ISPDB. */
export async function shippedIspdb(
  ctx: SourceContext,
  domain: string,
  trust?: Draft['trust']
): Promise<{ drafts: Draft[]; detail?: string }> {
  const reads = await readLocal(ctx, domain, 'ispdb')
  const files = readFiles(reads).filter((r) => r.file.incoming.length || r.file.outgoing.length)
  const drafts = files.map((r) =>
    fileDraft(r.file, 'ispdb', trust ?? { level: 'trusted', reason: 'ispdb', subject: r.path })
  )
  const bad = reads.find((r) => 'error' in r)
  return { drafts, detail: files.map((f) => f.path).join(', ') || (bad && 'detail' in bad ? bad.detail : undefined) }
}

export const ispdbSource: Source = {
  id: 'ispdb',
  // The shipped copy needs no network; the online lookup below is skipped when offline.
  network: false,
  timeoutMs: 5000,
  async run(ctx) {
    const shipped = await shippedIspdb(ctx, ctx.addr.asciiDomain)
    if (shipped.drafts.length) return found(shipped.drafts, shipped.detail)
    if (ctx.offline)
      return {
        state: 'skipped',
        reason: 'offline',
        detail: shipped.detail ?? `${ctx.addr.asciiDomain} is not in the shipped ISPDB`
      }
    const r = await fetchIspdb(ctx, ctx.addr.asciiDomain)
    return outcomeOf([r], (f) => fileDraft(f.file, 'ispdb', ispdbTrust(f)))
  }
}
