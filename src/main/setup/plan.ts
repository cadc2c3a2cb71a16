// plan(choices): from the candidates this session found and what the user chose (a candidate by
// id, IMAP or POP, a user name typed, servers typed), the servers the check will try, best first.
// Pure: the session keeps the result; nothing here reads the network or the clock.
import type { Candidate, IncomingProtocol, ServerSettings, SourceId } from '../../shared/domain'
import type { SetupChoices } from '../../shared/setup'
import { fail } from '../errors'

export interface Typed {
  incoming?: ServerSettings[]
  outgoing?: ServerSettings[]
}

export interface Plan {
  incoming: ServerSettings[]
  outgoing: ServerSettings[]
  /** The candidate the servers came from (none when the user typed both sides). */
  candidate?: Candidate
  source?: SourceId
  protocol: IncomingProtocol
}

/** The best trusted candidate; failing that, the best one (which then needs consent). */
export function defaultCandidate(candidates: Candidate[]): Candidate | undefined {
  return candidates.find((c) => c.trust.level === 'trusted') ?? candidates[0]
}

/** A user name the user typed replaces the found one, and no other form of it is tried. */
function withUser(entry: ServerSettings, username: string): ServerSettings {
  if (!username) return entry
  const { usernameGuessed: _guessed, ...rest } = entry
  return { ...rest, username }
}

/**
 * Throws no-settings-found when nothing was found or typed, or the candidate offers no server
 * of the chosen protocol (params.protocol says which). Consent is the session's to check.
 */
export function planServers(candidates: Candidate[], choices: SetupChoices, typed: Typed): Plan {
  const user = choices.username?.trim() ?? ''
  const both = typed.incoming !== undefined && typed.outgoing !== undefined
  let candidate: Candidate | undefined
  if (!both) {
    candidate = choices.candidateId
      ? candidates.find((c) => c.id === choices.candidateId)
      : defaultCandidate(candidates)
    if (!candidate)
      fail('no-settings-found', {
        detail: choices.candidateId ? 'no such candidate in this session' : 'nothing found: type the servers'
      })
  }
  const protocol =
    choices.protocol ?? (candidate && !candidate.incoming.some((e) => e.protocol === 'imap') ? 'pop3' : 'imap')
  const pop3 = (e: ServerSettings): ServerSettings =>
    e.protocol === 'pop3' && choices.pop3 ? { ...e, pop3: choices.pop3 } : e
  // Helpdesk breadth: every protocol, the chosen one first.
  const first = (e: ServerSettings): number => (e.protocol === protocol ? 0 : 1)
  const found = (candidate?.incoming ?? [])
    .filter((e) => choices.everyProtocol || e.protocol === protocol)
    .sort((a, b) => first(a) - first(b))
  if (!typed.incoming && !found.length) {
    const name = protocol.toUpperCase()
    fail('no-settings-found', {
      params: { protocol: name },
      detail: `${candidate?.providerName ?? 'this provider'} offers no ${name}`
    })
  }
  return {
    incoming: (typed.incoming ?? found).map((e) => withUser(pop3(e), user)),
    outgoing: (typed.outgoing ?? candidate?.outgoing ?? []).map((e) => withUser(e, user)),
    candidate,
    source: both ? 'manual' : candidate?.source,
    protocol
  }
}
