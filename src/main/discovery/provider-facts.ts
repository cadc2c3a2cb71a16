// Which provider in the table a candidate belongs to, and what the table says about signing in
// there: the wizard's advice (browser only, app password and its page) travels on the
// candidate through the API, so the renderer keeps no list of providers, hosts or URLs.
import type { Candidate, ProviderFacts } from '../../shared/domain'
import type { Provider, ProviderTable } from './builtin'

type Named = Pick<Candidate, 'providerId' | 'incoming' | 'outgoing'>

const under = (name: string, domain: string): boolean => name === domain || name.endsWith(`.${domain}`)

/** The table's provider by id, else the one whose domains hold the candidate's id or a server host. */
export function providerOf(table: ProviderTable, c: Named): Provider | undefined {
  const byId = c.providerId ? table.providers.find((p) => p.id === c.providerId) : undefined
  if (byId) return byId
  const names = [c.providerId ?? '', ...c.incoming.map((e) => e.host), ...c.outgoing.map((e) => e.host)].map((n) =>
    n.toLowerCase()
  )
  return table.providers.find((p) => p.serverDomains.some((d) => names.some((n) => under(n, d))))
}

export function providerFacts(table: ProviderTable, c: Named): ProviderFacts | undefined {
  const p = providerOf(table, c)
  if (!p) return undefined
  const s = p.signIn
  return {
    id: p.id,
    name: p.name,
    ...(s.advice ? { advice: s.advice } : {}),
    ...(s.appPasswordUrl ? { appPasswordUrl: s.appPasswordUrl } : {}),
    ...(s.passwords === false ? { passwords: false } : {}),
    ...(p.oauth2 ? { oauth: true } : {})
  }
}

/** Every https origin the table links to (help and app-password pages): the system browser may open them. */
export function providerOrigins(table: ProviderTable): string[] {
  const urls = table.providers.flatMap((p) => [p.signIn.appPasswordUrl, p.signIn.helpUrl, p.documentationUrl])
  return [...new Set(urls.filter((u): u is string => Boolean(u)).map((u) => new URL(u).origin))]
}
