// What an admin should publish for the servers they confirm: a config-v1.1.xml for
// autoconfig.<domain>, SRV records (RFC 6186, RFC 8314) as zone-file lines, and an
// Autodiscover POX response. Also the re-check: does what is live name those servers?
import type { ServerSettings } from '../../shared/domain'
import type { DomainHealth, PublishFiles, RecheckRow } from '../../shared/domain-health'
import { autoconfigDocument, autoconfigMethods } from '../export/autoconfig'
import { poxDocument } from '../export/autodiscover'
import { PORT_RULES } from '../../shared/ports'

export type UsernameForm = 'address' | 'local'

export function publishFiles(
  domain: string,
  servers: ServerSettings[],
  username: UsernameForm,
  name = domain
): PublishFiles {
  const user = username === 'address' ? '%EMAILADDRESS%' : '%EMAILLOCALPART%'
  const xml = autoconfigDocument(
    domain,
    name,
    servers.map((s) => ({ settings: s, user, methods: autoconfigMethods(s.auth) }))
  )
  xml.push('</clientConfig>', '')
  return {
    'config-v1.1.xml': xml.join('\n'),
    'srv.zone': srvZone(domain, servers),
    // Without LoginName Outlook signs in with the address; a local-part login needs a
    // per-user answer, which a static file cannot give.
    'autodiscover.xml': poxDocument(
      name,
      servers.map((s) => ({ settings: s, loginName: username === 'address' ? undefined : '%EMAILLOCALPART%' })),
      true
    )
  }
}

/** Zone-file lines; services not offered get the RFC 6186 "not available" target ".". */
export function srvZone(domain: string, servers: ServerSettings[], ttl = 3600): string {
  const lines = [`; SRV records for ${domain} (RFC 6186, RFC 8314 for _submissions)`]
  for (const svc of PORT_RULES) {
    // Plain servers have no SRV name; they are published in the autoconfig file only.
    const offered = servers.filter((s) => s.protocol === svc.protocol && s.security === svc.security)
    if (!offered.length) lines.push(`${svc.srv}.${domain}. ${ttl} IN SRV 0 0 0 .`)
    offered.forEach((s, i) => lines.push(`${svc.srv}.${domain}. ${ttl} IN SRV ${i * 10} 1 ${s.port} ${s.host}.`))
  }
  return `${lines.join('\n')}\n`
}

const label = (s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string =>
  `${s.protocol} ${s.host.toLowerCase()}:${s.port} ${s.security}`

/** Whether each publication channel now names exactly the confirmed servers. */
export function recheck(health: DomainHealth, confirmed: ServerSettings[]): RecheckRow[] {
  const want = new Set(confirmed.map(label))
  return (['autoconfig-https', 'srv', 'autodiscover'] as const).map((source): RecheckRow => {
    const named = health.candidates.filter((c) => c.source === source).flatMap((c) => [...c.incoming, ...c.outgoing])
    if (!named.length) return { source, state: 'missing', missing: [...want], extra: [] }
    const have = new Set(named.map(label))
    const missing = [...want].filter((w) => !have.has(w))
    const extra = [...have].filter((h) => !want.has(h))
    return { source, state: missing.length || extra.length ? 'differs' : 'matches', missing, extra }
  })
}
