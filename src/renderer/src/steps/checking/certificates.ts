// One certificate, one decision: probes grouped by the certificate they were shown, so a
// provider whose every host and port carries one certificate asks for one choice, not twelve.
import type { CertificateInfo, HostException, Probe } from '../../../../shared/verify'
import { withException } from './run'

export interface CertGroup {
  cert: CertificateInfo
  /** The probes that saw this certificate, in their order. */
  probes: Probe[]
  /** Distinct host:port pairs, in order. */
  places: Array<{ host: string; port: number }>
}

export function groupByCertificate(probes: Probe[]): CertGroup[] {
  const groups = new Map<string, CertGroup>()
  for (const p of probes) {
    const cert = p.certificate
    if (!cert) continue
    const g = groups.get(cert.fingerprint256) ?? { cert, probes: [], places: [] }
    g.probes.push(p)
    const { host, port } = p.settings
    if (!g.places.some((x) => x.host === host && x.port === port)) g.places.push({ host, port })
    groups.set(cert.fingerprint256, g)
  }
  return [...groups.values()]
}

/** The exceptions with this certificate trusted at every host:port that showed it. */
export function trustGroup(list: HostException[], g: CertGroup): HostException[] {
  return g.places.reduce(
    (acc, { host, port }) => withException(acc, host, port, { fingerprint256: g.cert.fingerprint256 }),
    list
  )
}

/** Distinct host names, for the "covers this name" rows. */
export function hostsOf(g: CertGroup): string[] {
  return [...new Set(g.places.map((p) => p.host))]
}

/** The name a certificate is for, as a person would say it: its first DNS name, else its subject's CN. */
export function certName(cert: CertificateInfo): string {
  const san = cert.subjectAltNames.find((n) => /^DNS:/i.test(n))
  if (san) return san.slice(4)
  return /CN=([^,/]+)/.exec(cert.subject)?.[1] ?? cert.subject
}
