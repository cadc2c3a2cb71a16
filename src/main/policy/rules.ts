// The policy's rules, enforced in main whatever door a request came through (window, browser
// mode, CLI): servers an organisation locked for its domains, the incoming protocols and the
// connection security it allows, the export formats it hides. Each refusal is a typed
// diagnosis (policy-locked, policy-protocol, policy-security, policy-format-hidden).
import type { Candidate, DiscoveryResult, ServerSettings } from '../../shared/domain'
import type { ExportFormatInfo } from '../../shared/account'
import { lockedServersFor } from '../../shared/policy-rules'
import { fail } from '../errors'
import type { Policy, PolicyFile } from './file'

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase()

/** The servers the organisation fixed for this address's domain, if it fixed any (shared with the wizard). */
export function lockedFor(
  rules: PolicyFile,
  address: string
): { incoming: ServerSettings; outgoing: ServerSettings } | undefined {
  return lockedServersFor(rules.lockedServers, address)
}

// file.ts requires the organisation's name wherever a rule can refuse something.
const org = (rules: PolicyFile): Record<string, string> => ({ organisation: rules.organisation?.name ?? '' })

function allowedServer(rules: PolicyFile, s: ServerSettings): boolean {
  if (s.protocol !== 'smtp' && rules.protocols && !rules.protocols.incoming.includes(s.protocol)) return false
  return !rules.security?.allowed || (rules.security.allowed as string[]).includes(s.security)
}

const same = (a: ServerSettings, b: ServerSettings): boolean =>
  a.protocol === b.protocol &&
  a.host.toLowerCase() === b.host.toLowerCase() &&
  a.port === b.port &&
  a.security === b.security &&
  a.username === b.username

/** Refuses an incoming protocol the policy does not allow (the wizard's protocol step, `verify --pop`). */
export function checkProtocol(
  rules: PolicyFile,
  protocol: 'imap' | 'pop3',
  where?: Pick<ServerSettings, 'host' | 'port'>
): void {
  if (!rules.protocols || rules.protocols.incoming.includes(protocol)) return
  fail('policy-protocol', {
    protocol,
    host: where?.host,
    port: where?.port,
    params: { ...org(rules), allowed: rules.protocols.incoming.map((p) => p.toUpperCase()).join(', ') }
  })
}

/**
 * Refuses servers the policy does not allow for this address, before any connection: a
 * protocol it does not allow, a security it does not allow, or anything but the locked servers.
 */
export function checkServers(
  rules: PolicyFile,
  address: string,
  incoming: readonly ServerSettings[],
  outgoing: readonly ServerSettings[]
): void {
  for (const s of incoming) if (s.protocol !== 'smtp') checkProtocol(rules, s.protocol, s)
  for (const s of [...incoming, ...outgoing]) {
    if (rules.security?.allowed && !(rules.security.allowed as string[]).includes(s.security)) {
      fail('policy-security', {
        host: s.host,
        port: s.port,
        params: { ...org(rules), security: s.security, allowed: rules.security.allowed.join(', ') }
      })
    }
  }
  const locked = lockedFor(rules, address)
  if (!locked) return
  for (const [list, fixed] of [
    [incoming, locked.incoming],
    [outgoing, locked.outgoing]
  ] as const) {
    const other = list.find((s) => !same(s, fixed))
    if (other)
      fail('policy-locked', {
        host: other.host,
        port: other.port,
        params: { ...org(rules), server: `${fixed.host}:${fixed.port}` }
      })
  }
}

/**
 * What discovery may offer under the policy: the locked servers alone (no source asked at
 * all), or the candidates with the servers the policy does not allow left out.
 */
export function lockedDiscovery(policy: Policy, address: string): DiscoveryResult | undefined {
  const locked = lockedFor(policy.rules, address)
  if (!locked) return undefined
  const candidate: Candidate = {
    id: 'policy',
    source: 'local-file',
    trust: { level: 'trusted', reason: 'local-file', subject: policy.location?.file },
    score: 1000,
    providerName: policy.rules.organisation?.name,
    incoming: [locked.incoming],
    outgoing: [locked.outgoing]
  }
  return {
    address,
    domain: domainOf(address),
    candidates: [candidate],
    sources: [
      {
        source: 'local-file',
        state: 'found',
        reason: 'policy',
        detail: `servers locked by ${policy.location?.file ?? 'the policy'}`,
        candidates: 1,
        ms: 0
      }
    ],
    ms: 0
  }
}

export function allowedDiscovery(rules: PolicyFile, result: DiscoveryResult): DiscoveryResult {
  if (!rules.protocols && !rules.security?.allowed) return result
  const candidates = result.candidates
    .map((c) => ({
      ...c,
      incoming: c.incoming.filter((s) => allowedServer(rules, s)),
      outgoing: c.outgoing.filter((s) => allowedServer(rules, s))
    }))
    .filter(
      (c, i) =>
        (c.incoming.length || !result.candidates[i]!.incoming.length) &&
        (c.outgoing.length || !result.candidates[i]!.outgoing.length)
    )
  return { ...result, candidates }
}

/** A candidate's servers without those the policy does not allow (discoverVerify's choice of servers). */
export function allowedServers(
  rules: PolicyFile,
  picked: { incoming: ServerSettings[]; outgoing: ServerSettings[] }
): { incoming: ServerSettings[]; outgoing: ServerSettings[] } {
  return {
    incoming: picked.incoming.filter((s) => allowedServer(rules, s)),
    outgoing: picked.outgoing.filter((s) => allowedServer(rules, s))
  }
}

export function visibleFormats(rules: PolicyFile, formats: ExportFormatInfo[]): ExportFormatInfo[] {
  const hidden = rules.exports?.hidden ?? []
  return formats.filter((f) => !hidden.includes(f.id))
}

export function checkFormat(rules: PolicyFile, format: string): void {
  if (rules.exports?.hidden.includes(format as never))
    fail('policy-format-hidden', { params: { ...org(rules), format } })
}
