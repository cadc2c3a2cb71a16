// Where a password may go (the CLI, the API's discoverVerify). No credential goes to a server
// that no trusted source names unless the user consents (`--accept-untrusted`, or the wizard's
// confirmation): plain-HTTP autoconfig, SRV or MX into another domain and guesses name servers
// an on-path attacker could have chosen. Exchange
// Autodiscover gets the password only in a second search, when nothing trusted was found and
// an HTTPS host within the domain asked for it (HTTP 401) — as the wizard offers it.
import type { Candidate, DiscoveryResult } from '../../shared/domain'
import type { Diagnosis } from '../../shared/diagnosis'
import { autodiscoverAsksSignIn } from '../../shared/source-reason'
// The attribute lets Node load it unbundled too (the browser door under Playwright's loader).
import locale from '../../shared/locales/en.json' with { type: 'json' }
import { diagnose } from '../../shared/diagnosis-catalog'

const TRUST_WORDS = locale.ui.trust as Record<string, string>

/** The servers a candidate names, for the user to check: "imap.x:993, smtp.x:587". */
function servers(c: Candidate): string {
  return [...new Set([...c.incoming, ...c.outgoing].map((s) => `${s.host}:${s.port}`))].join(', ')
}

export interface Choice {
  candidate?: Candidate
  /** Set when the candidate is not trusted: what is unconfirmed and why. */
  unconfirmed?: Diagnosis
}

/**
 * What is unconfirmed about a candidate nothing vouches for, and why (the setup session refuses it without consent).
 */
export function unconfirmed(found: Pick<DiscoveryResult, 'candidates'>, best: Candidate): Diagnosis {
  const why = (TRUST_WORDS[best.trust.reason] ?? best.trust.reason).replace(
    /\{\{subject\}\}/g,
    best.trust.subject ?? ''
  )
  return diagnose('settings-unconfirmed', {
    params: {
      source: best.source,
      reason: best.trust.reason,
      subject: (best.trust.subject ?? '').slice(0, 500),
      why: why.slice(0, 500),
      servers: servers(best).slice(0, 500)
    },
    detail: found.candidates
      .map((c) => `${c.source} (${c.trust.reason}${c.trust.subject ? `: ${c.trust.subject}` : ''}): ${servers(c)}`)
      .join('; ')
      .slice(0, 4000)
  })
}

/**
 * The best trusted candidate; failing that, the best one with the diagnosis that says what is
 * unconfirmed and why (the caller refuses it without consent, or warns with it).
 */
export function chooseCandidate(found: Pick<DiscoveryResult, 'candidates'>): Choice {
  const trusted = found.candidates.find((c) => c.trust.level === 'trusted')
  if (trusted) return { candidate: trusted }
  const best = found.candidates[0]
  if (!best) return {}
  return { candidate: best, unconfirmed: unconfirmed(found, best) }
}

/** Nothing trusted, and the domain's own Autodiscover asked for a sign-in over HTTPS. */
export function autodiscoverAsks(found: DiscoveryResult): boolean {
  if (found.candidates.some((c) => c.trust.level === 'trusted')) return false
  return found.sources.some(autodiscoverAsksSignIn)
}
