// Answers that mean "stop trying" outlive the check that got them. Someone who presses "Check
// again" right after "too many attempts" would otherwise send one more sign-in to a server that
// just asked for none, and lengthen the lockout. So, for the life of the process (the window's
// or browser mode's session; a CLI run is one check), such an answer is held for a while and a
// new check to that server gets it back without contacting the server:
// - "slow down" (rate-limited, too-many-attempts) holds for the whole server, since servers
//   count by client address;
// - "locked" holds for the server and that address only: other accounts there are not locked.
// A refused password is never held: each check is a deliberate try, usually with a corrected
// password, and gets its own budget of refused sign-ins (signin-gate.ts).
import type { Diagnosis } from '../../shared/diagnosis'

/**
 * Long enough to outlast the usual short limits (Postfix counts per minute), short enough not to outlive a lockout by
 * much.
 */
export const STOP_HOLD_MS = 5 * 60_000

export class StopMemory {
  private readonly held = new Map<string, { diagnosis: Diagnosis; until: number }>()

  constructor(
    private readonly holdMs = STOP_HOLD_MS,
    private readonly now: () => number = Date.now
  ) {}

  private static key(serverKey: string, diagnosis: Diagnosis['code'], address: string): string {
    return diagnosis === 'account-locked' ? `${serverKey}|${address.toLowerCase()}` : serverKey
  }

  /** `serverKeys`: the server's address, certificate and host name keys (signin-gate.ts). */
  remember(serverKeys: string[], address: string, diagnosis: Diagnosis): void {
    const until = this.now() + this.holdMs
    for (const k of serverKeys) this.held.set(StopMemory.key(k, diagnosis.code, address), { diagnosis, until })
  }

  recall(serverKeys: string[], address: string): Diagnosis | undefined {
    const now = this.now()
    for (const k of serverKeys.flatMap((s) => [s, `${s}|${address.toLowerCase()}`])) {
      const h = this.held.get(k)
      if (h && h.until > now) return h.diagnosis
      if (h) this.held.delete(k)
    }
    return undefined
  }
}
