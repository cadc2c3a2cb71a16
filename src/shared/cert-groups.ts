// The servers a domain check probed, grouped by the certificate they show (its SHA-256), so a
// certificate shared by many host names and ports is read once with the servers under it:
// the wizard's domain view and `mail-setup domain` alike. Types only: the renderer imports it.
import type { HostCertificate, HostCheck } from './domain-health'

export interface CertificateGroup {
  /** The certificate these servers show; none for servers that showed none (no answer, no TLS). */
  certificate?: HostCertificate
  hosts: HostCheck[]
  /** The servers whose name the certificate does not carry (`hostMatches` is per server). */
  unnamed: HostCheck[]
}

/** Groups in the order their first server came; the servers without a certificate last. */
export function groupByCertificate(hosts: readonly HostCheck[]): CertificateGroup[] {
  const groups = new Map<string, CertificateGroup>()
  let none: CertificateGroup | undefined
  for (const h of hosts) {
    const c = h.certificate
    const group = c
      ? (groups.get(c.fingerprint256) ??
        groups.set(c.fingerprint256, { certificate: c, hosts: [], unnamed: [] }).get(c.fingerprint256)!)
      : (none ??= { hosts: [], unnamed: [] })
    group.hosts.push(h)
    if (c && !c.hostMatches) group.unnamed.push(h)
  }
  return [...groups.values(), ...(none ? [none] : [])]
}
