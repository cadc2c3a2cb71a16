// MX-based lookup: the lowest-preference MX host's parent (host minus its first label) and
// its registrable domain, each tried through the built-in table, local files, the ISPDB and
// HTTPS autoconfig. A known provider is trusted; anything else is another domain to confirm.
import { inDomain } from '../../net/http'
import { fileDraft, type AutoconfigFile } from '../autoconfig-tree'
import { providerDraft } from '../builtin'
import { found, nothing, type Draft, type MxInfo, type Source, type SourceContext } from '../types'
import { fetchBoth } from './autoconfig-web'
import { fetchIspdb, shippedIspdb } from './ispdb'
import { readLocal } from './local'

/**
 * Names to look up for an MX host, parent first; the address's own domain is left out. The
 * public-suffix list (tldts, about 300 KB of code) loads here, once an MX host is known, not
 * at the start of every discovery.
 */
export async function mxDomains(mxHost: string, ownDomain: string): Promise<string[]> {
  const labels = mxHost.split('.')
  const parent = labels.length > 2 ? labels.slice(1).join('.') : undefined
  const { getDomain } = await import('tldts')
  const registrable = getDomain(mxHost, { allowPrivateDomains: false }) ?? undefined
  const names = [parent, registrable].filter((n): n is string => !!n && n !== ownDomain)
  return [...new Set(names)]
}

/** Asks the MX once; the lowest preference wins (ties: the first answer). */
export async function lookupMx(ctx: Pick<SourceContext, 'dns' | 'signal' | 'addr'>): Promise<MxInfo> {
  try {
    const records = await ctx.dns.resolveMx(ctx.addr.asciiDomain, ctx.signal)
    const usable = records.filter((r) => r.exchange && r.exchange !== '.')
    if (!usable.length) return { reason: 'no-mx' }
    const best = usable.reduce((a, b) => (b.priority < a.priority ? b : a))
    return { host: best.exchange.toLowerCase().replace(/\.$/, '') }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { reason: code === 'ENOTFOUND' ? 'nxdomain' : code === 'ENODATA' ? 'no-mx' : 'dns-error' }
  }
}

/** Autoconfig 1.2: a file naming `<domain purpose="mx">` applies only to MX hosts within those. */
export function appliesToMx(file: Pick<AutoconfigFile, 'mxDomains'>, mxHost: string): boolean {
  return !file.mxDomains.length || file.mxDomains.some((d) => inDomain(mxHost, d))
}

async function forName(ctx: SourceContext, name: string, mxHost: string): Promise<Draft[]> {
  const confirm: Draft['trust'] = { level: 'confirm', reason: 'mx-other-domain', subject: mxHost }
  const known = ctx.providers.byDomain(name)
  if (known)
    return [providerDraft(known, ctx.addr, { level: 'trusted', reason: 'mx-known-provider', subject: mxHost }, 'mx')]
  // The online ISPDB only for a name its shipped copy does not cover.
  const ispdb = async (): Promise<Draft[]> => {
    const shipped = await shippedIspdb(ctx, name, confirm)
    if (shipped.drafts.length) return shipped.drafts.map((d) => ({ ...d, source: 'mx' }))
    const r = await fetchIspdb(ctx, name)
    return r.ok ? [fileDraft(r.file, 'mx', confirm)] : []
  }
  const [local, fromIspdb, web] = await Promise.all([readLocal(ctx, name), ispdb(), fetchBoth(ctx, 'https', name)])
  const drafts: Draft[] = []
  for (const r of local) if ('file' in r && appliesToMx(r.file, mxHost)) drafts.push(fileDraft(r.file, 'mx', confirm))
  drafts.push(...fromIspdb)
  for (const r of web) if (r.ok && appliesToMx(r.file, mxHost)) drafts.push(fileDraft(r.file, 'mx', confirm))
  return drafts
}

export const mxSource: Source = {
  id: 'mx',
  network: true,
  timeoutMs: 5000,
  async run(ctx) {
    const mx = await ctx.mx()
    if (!mx.host) return nothing(mx.reason ?? 'no-mx', `no MX for ${ctx.addr.asciiDomain}`)
    const names = await mxDomains(mx.host, ctx.addr.asciiDomain)
    if (inDomain(mx.host, ctx.addr.asciiDomain) && names.every((n) => inDomain(n, ctx.addr.asciiDomain))) {
      // The MX lives in the domain itself: the other sources already ask there.
      return nothing('mx-in-domain', `MX ${mx.host}`)
    }
    const results = await Promise.all(names.map((n) => forName(ctx, n, mx.host!)))
    return found(results.flat(), `MX ${mx.host} → ${names.join(', ')}`)
  }
}
