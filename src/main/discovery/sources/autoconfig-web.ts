// Provider autoconfig at autoconfig.<domain> and <domain>/.well-known, over HTTPS (trusted
// when every hop stays in the domain) and over plain HTTP (always needs confirmation).
import type { Draft } from '../types'
import { fileDraft } from '../autoconfig-tree'
import { fetchAutoconfig, worst, type Fetched } from '../fetch'
import { found, type Source, type SourceContext, type SourceOutcome } from '../types'

export function autoconfigUrls(scheme: 'https' | 'http', domain: string, address: string): string[] {
  const q = `?emailaddress=${encodeURIComponent(address)}`
  return [
    `${scheme}://autoconfig.${domain}/mail/config-v1.1.xml${q}`,
    `${scheme}://${domain}/.well-known/autoconfig/mail/config-v1.1.xml${q}`
  ]
}

export function trustOf(scheme: 'https' | 'http', f: Extract<Fetched, { ok: true }>): Draft['trust'] {
  if (scheme === 'http' || f.res.leftHttps) return { level: 'confirm', reason: 'plain-http', subject: f.res.url }
  if (f.res.leftDomain) return { level: 'confirm', reason: 'redirect-other-domain', subject: f.res.url }
  return { level: 'trusted', reason: 'https-in-domain', subject: f.res.url }
}

/** Fetches both URLs of `domain` at once; used for the address's domain and MX-derived ones. */
export async function fetchBoth(ctx: SourceContext, scheme: 'https' | 'http', domain: string): Promise<Fetched[]> {
  return Promise.all(autoconfigUrls(scheme, domain, ctx.addr.address).map((u) => fetchAutoconfig(ctx, u, { domain })))
}

export function outcomeOf(results: Fetched[], toDraft: (f: Extract<Fetched, { ok: true }>) => Draft): SourceOutcome {
  const hits = results.filter((r): r is Extract<Fetched, { ok: true }> => r.ok)
  if (hits.length) return found(hits.map(toDraft), hits.map((h) => h.res.url).join(', '))
  const w = worst(results.filter((r): r is Extract<Fetched, { ok: false }> => !r.ok))
  return {
    state: w.state,
    reason: w.reason,
    detail: results
      .map((r) => (r.ok ? r.url : r.detail))
      .join('; ')
      .slice(0, 2000)
  }
}

function webSource(scheme: 'https' | 'http'): Source {
  const id = scheme === 'https' ? 'autoconfig-https' : 'autoconfig-http'
  return {
    id,
    network: true,
    timeoutMs: 5000,
    async run(ctx) {
      const results = await fetchBoth(ctx, scheme, ctx.addr.asciiDomain)
      return outcomeOf(results, (f) => fileDraft(f.file, id, trustOf(scheme, f)))
    }
  }
}

export const autoconfigHttpsSource = webSource('https')
export const autoconfigHttpSource = webSource('http')
