// One setup session: what main found and verified for one address, kept in main under an id.
// Data only moves forward: discovery → plan → verified → account. A new search drops the plan
// and the check; a new plan drops the check, so a save can only take servers that were checked
// as they were planned.
import { randomUUID } from 'node:crypto'
import type { DiscoveryResult } from '../../shared/domain'
import type { Credentials, HostException, VerifyResult } from '../../shared/verify'
import type { Plan } from './plan'
import type { Verified } from './account'
import type { WarmPool } from '../verify/warm'

export class SetupSession {
  readonly id = randomUUID()
  discovery?: DiscoveryResult
  plan?: Plan
  /** The last check, whatever its outcome (the report shows it). */
  lastCheck?: VerifyResult
  /** Set only when the last check signed in on both sides. */
  verified?: Verified
  /** The credentials and exceptions of the last check, for the round trip. */
  credentials?: Credentials
  exceptions: HostException[] = []
  /** The account this session saved; saving again updates it. */
  accountId?: string
  /** Last use, for dropping the oldest sessions. */
  touched = Date.now()
  /** Connections prepare() opened for the next check (verify/warm.ts). */
  private ahead?: WarmPool
  /** Settles once the last prepare() holds its connections (or failed). */
  preparing?: Promise<void>

  constructor(readonly address: string) {}

  found(discovery: DiscoveryResult): void {
    this.discovery = discovery
    this.planned(undefined)
    this.holdAhead(undefined)
  }

  /** Holds the connections opened for the next check, closing any held before. */
  holdAhead(pool: WarmPool | undefined): void {
    this.ahead?.close()
    this.ahead = pool
  }

  /** The held connections, now the caller's (the check closes what it leaves). */
  takeAhead(): WarmPool | undefined {
    const pool = this.ahead
    this.ahead = undefined
    return pool
  }

  planned(plan: Plan | undefined): void {
    this.plan = plan
    this.lastCheck = undefined
    this.verified = undefined
  }
}

/** The sessions of one door, the oldest dropped beyond `max` (each holds only settings and results). */
export class SetupSessions {
  private readonly byId = new Map<string, SetupSession>()
  constructor(private readonly max = 32) {}

  open(address: string): SetupSession {
    const session = new SetupSession(address)
    this.byId.set(session.id, session)
    if (this.byId.size > this.max) {
      const oldest = [...this.byId.values()].sort((a, b) => a.touched - b.touched)[0]
      if (oldest) {
        this.byId.delete(oldest.id)
        oldest.holdAhead(undefined)
      }
    }
    return session
  }

  get(id: string): SetupSession | undefined {
    const session = this.byId.get(id)
    if (session) session.touched = Date.now()
    return session
  }
}
