// One account of a bulk check: the domain's settings (discovered once per domain and run),
// the trusted candidate only (a list is no consent: an untrusted source gets no password),
// then a real sign-in on both sides through the same verification as the wizard, with its
// lockout rules. The result is redacted before it leaves, and the password forgotten.
import type { DiscoveryResult, ServerSettings } from '../../shared/domain'
import type { Probe } from '../../shared/verify'
import { discover } from '../discovery'
import { holdSecret, redact } from '../redact'
import type { Services } from '../services'
import { verify } from '../verify'
import { linkedSignal } from './linked-signal'
import type { AccountRow } from './rows'

export type Verdict =
  | 'ready'
  | 'sign-in-refused'
  | 'locked-or-limited'
  | 'needs-confirmation'
  | 'no-settings'
  | 'server-problem'
  | 'no-password'

export interface CheckResult {
  row: number
  address: string
  verdict: Verdict
  /** Diagnosis code behind the verdict; words from the locale files. */
  code?: string
  incoming?: string
  outgoing?: string
  /** The user name the server took, and which form it was. */
  username?: string
  usernameForm?: string
  serverSays?: string
  ms: number
}

const LOCKOUT = new Set(['rate-limited', 'account-locked'])
const REFUSED = new Set(['auth-failed', 'auth-method-unsupported', 'oauth-required'])

export const serverLabel = (s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string =>
  `${s.protocol} ${s.host}:${s.port} ${s.security}`

/**
 * The servers a check connects to, as host:port with the host normalised (case, a trailing dot,
 * IPv6 brackets): many domains hosted on one server share that server's limit.
 */
export function serverKeys(servers: Array<Pick<ServerSettings, 'host' | 'port'>>): string[] {
  const norm = (h: string): string =>
    h
      .trim()
      .toLowerCase()
      .replace(/\.$/, '')
      .replace(/^\[|\]$/g, '')
  return [...new Set(servers.map((s) => `${norm(s.host)}:${s.port}`))]
}

/** Settings discovered for `from` made right for `to` (same domain): user names follow the address. */
function retarget(s: ServerSettings, from: string, to: string): ServerSettings {
  const local = (a: string): string => a.slice(0, a.lastIndexOf('@'))
  if (s.username.toLowerCase() === from.toLowerCase()) return { ...s, username: to }
  if (s.username === local(from)) return { ...s, username: local(to) }
  return s
}

/**
 * Domains whose discovery a run keeps, the most recently used: a hosting provider's list of
 * 10,000 domains must not hold 10,000 discoveries. Lists usually come grouped by domain, so each
 * is discovered once; a list that mixes more domains than this discovers some again.
 */
export const KEEP_DOMAINS = 256

export class BulkChecker {
  private readonly discoveries = new Map<string, Promise<DiscoveryResult>>()
  /** Passwords in use by checks still running: two rows may share one, and redaction needs it until both end. */
  private readonly inUse = new Map<string, number>()

  constructor(
    private readonly services: Pick<Services, 'config' | 'dns' | 'ca' | 'policy'>,
    private readonly signal: AbortSignal,
    /** Taken once the servers are known, before the first connection (the per-server limit). */
    private readonly enter: (servers: string[], signal: AbortSignal) => Promise<() => void> = async () => () =>
      undefined,
    private readonly keepDomains = KEEP_DOMAINS
  ) {}

  /** What the checker still holds: domains' discoveries (bounded) and passwords of checks still running. */
  held(): { domains: number; passwords: number } {
    return { domains: this.discoveries.size, passwords: this.inUse.size }
  }

  private settings(address: string): Promise<DiscoveryResult> {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase()
    let found = this.discoveries.get(domain)
    // Most recently used last, so the first is the one to let go.
    if (found) this.discoveries.delete(domain)
    else {
      const { config, dns, ca } = this.services
      const own = linkedSignal(this.signal)
      found = discover(address, {
        config,
        dns,
        ca,
        signal: own.signal,
        deadlineMs: config.discoveryDeadlineMs,
        offline: config.offline,
        onReport: () => undefined,
        onCandidate: () => undefined
      }).finally(own.done)
    }
    this.discoveries.set(domain, found)
    if (this.discoveries.size > this.keepDomains) this.discoveries.delete(this.discoveries.keys().next().value!)
    return found
  }

  async check(row: AccountRow, password: string | undefined, signal: AbortSignal): Promise<CheckResult> {
    const t0 = performance.now()
    const done = (r: Omit<CheckResult, 'row' | 'address' | 'ms'>): CheckResult => ({
      row: row.row,
      address: row.address,
      ...r,
      ms: Math.round(performance.now() - t0)
    })
    if (!password) return done({ verdict: 'no-password' })
    // Held by this check, released by it: not registered in the run's scope as well, which would
    // forget it once more at the run's end and take a holder from anyone else holding it.
    const release = holdSecret(password)
    this.inUse.set(password, (this.inUse.get(password) ?? 0) + 1)
    try {
      const found = await this.settings(row.address)
      const best = found.candidates.find((c) => c.trust.level === 'trusted')
      if (!best)
        return done(
          found.candidates.length
            ? { verdict: 'needs-confirmation', code: found.candidates[0]!.trust.reason }
            : { verdict: 'no-settings', code: 'no-settings-found' }
        )
      const fix = (s: ServerSettings): ServerSettings => {
        const own = retarget(s, found.address, row.address)
        return row.username ? { ...own, username: row.username, usernameGuessed: false } : own
      }
      const imap = best.incoming.filter((s) => s.protocol === 'imap')
      const incoming = (imap.length ? imap : best.incoming).map(fix)
      const outgoing = best.outgoing.map(fix)
      const leave = await this.enter(serverKeys([...incoming, ...outgoing]), signal)
      let result: Awaited<ReturnType<typeof verify>>
      try {
        result = await verify(
          { address: row.address, incoming, outgoing, secret: { kind: 'password', password }, exceptions: [] },
          {
            dns: this.services.dns,
            ca: this.services.ca,
            // The organisation's TLS floor holds for a bulk check's sign-ins as for the wizard's.
            minTls: this.services.policy.rules.security?.minTlsVersion,
            signal,
            onProbe: () => undefined
          }
        )
      } finally {
        leave()
      }
      // The verified server, or else the one whose failure explains the verdict.
      const side = (role: Probe['role']): Probe | undefined =>
        result[role] ??
        result.probes.find((p) => p.role === role && p.diagnosis?.code === result.diagnosis?.code) ??
        result.probes.find((p) => p.role === role)
      const [inProbe, outProbe] = [side('incoming'), side('outgoing')]
      const common = {
        incoming: inProbe && serverLabel(inProbe.settings),
        outgoing: outProbe && serverLabel(outProbe.settings),
        username: inProbe?.settings.username,
        usernameForm: result.incoming?.usernameForm
      }
      if (result.incoming && result.outgoing) return done({ verdict: 'ready', ...common })
      const d = result.diagnosis
      const verdict: Verdict =
        d && LOCKOUT.has(d.code) ? 'locked-or-limited' : d && REFUSED.has(d.code) ? 'sign-in-refused' : 'server-problem'
      return done({
        verdict,
        code: d?.code,
        serverSays: d?.serverSays ? redact(d.serverSays).slice(0, 300) : undefined,
        ...common
      })
    } catch (err) {
      if (signal.aborted) throw err
      return done({
        verdict: 'server-problem',
        code: 'internal',
        serverSays: redact(err instanceof Error ? err.message : String(err)).slice(0, 300)
      })
    } finally {
      // Forgotten once no running check uses it: a long list must not grow the redaction set.
      const left = (this.inUse.get(password) ?? 1) - 1
      if (left > 0) this.inUse.set(password, left)
      else this.inUse.delete(password)
      release()
    }
  }
}
