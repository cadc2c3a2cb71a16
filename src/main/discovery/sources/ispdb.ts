// The online ISPDB: <base URL><domain>. A curated database over HTTPS, trusted as such.
import { fileDraft } from '../autoconfig'
import { fetchAutoconfig, type Fetched } from '../fetch'
import { type Draft, type Source, type SourceContext } from '../types'
import { outcomeOf } from './autoconfig-web'

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

export const ispdbSource: Source = {
  id: 'ispdb',
  network: true,
  timeoutMs: 5000,
  async run(ctx) {
    const r = await fetchIspdb(ctx, ctx.addr.asciiDomain)
    return outcomeOf([r], (f) => fileDraft(f.file, 'ispdb', ispdbTrust(f)))
  }
}
