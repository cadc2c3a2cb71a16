// Lockout safety for one check. Servers lock an account (or slow a client down) after a few
// failed sign-ins, so across all probes of one verify:
// - one server is one server however it was reached: host names that resolve to the same
//   address, or present the same certificate, share one record;
// - password attempts to one server never run in parallel (one chain per server);
// - per server and protocol, at most MAX_FAILED refused sign-ins, each user name form once;
//   once a form worked, the other ports of that server use it and nothing else;
// - an answer that means "slow down" or "locked" ends every further attempt to that server,
//   and, given a StopMemory, is held for later checks in the same process (stop-memory.ts).
import type { Diagnosis, DiagnosisCode } from '../../shared/diagnosis'
import { AppError, toDiagnosis } from '../errors'
import type { FormToTry } from './username-forms'
import { diagnose } from '../../shared/diagnosis-catalog'
import type { StopMemory } from './stop-memory'

export const MAX_FAILED = 2

/** Refusals that say the password is wrong for this user name: the next form may follow. */
const WRONG_USER_OR_PASSWORD = new Set<DiagnosisCode>(['auth-failed'])
/** Answers about the account itself: no other form or port of this protocol would do better. */
const ACCOUNT_ANSWERS = new Set<DiagnosisCode>([
  'password-auth-disabled',
  'app-password-required',
  'oauth-required',
  'protocol-disabled'
])
/** Answers that mean "stop trying": nothing more goes to this server in this check. */
export const STOP_ANSWERS = new Set<DiagnosisCode>(['rate-limited', 'account-locked', 'too-many-attempts'])

interface Record {
  failed: number
  tried: Set<string>
  worked?: FormToTry
  refusal?: Diagnosis
  /** The forms refused so far, for the words ("tried alice@example.com and alice"). */
  refused: string[]
}

export interface Server {
  protocol: 'imap' | 'pop3' | 'smtp'
  ip?: string
  fingerprint?: string
  host: string
}

/** One sign-in with one user name; `accepted()` says the server took the password. */
export type Attempt = (username: string, accepted: () => void) => Promise<string>

export interface SignedIn {
  info: string
  form: FormToTry
}

export class SignInGate {
  /** `memory` and `address`: stop answers from earlier checks, held for this address's checks. */
  constructor(
    private readonly memory?: StopMemory,
    private readonly address = ''
  ) {}

  private readonly ids = new Map<string, number>()
  private nextId = 1
  private readonly chains = new Map<number, Promise<unknown>>()
  private readonly records = new Map<string, Record>()
  private readonly stopped = new Map<number, Diagnosis>()
  /** Refused sign-ins sent, per server and protocol (what the servers' logs count). */
  readonly failures = new Map<string, number>()

  /** The one id of a server, from any of its addresses or its certificate. */
  serverId(s: Server): number {
    const keys = serverKeys(s)
    const known = keys.map((k) => this.ids.get(k)).find((id) => id !== undefined)
    const id = known ?? this.nextId++
    for (const k of keys) if (!this.ids.has(k)) this.ids.set(k, id)
    return id
  }

  /**
   * Runs `attempt` for each user name form to try, after the attempts already queued for this
   * server. An attempt calls `accepted()` once the server has taken the password: the next
   * attempt queued (another protocol's) may start then, while this one finishes what it does
   * after signing in (IMAP's folder list).
   */
  async signIn(server: Server, forms: FormToTry[], attempt: Attempt): Promise<SignedIn> {
    const id = this.serverId(server)
    const key = `${id}|${server.protocol}`
    const before = this.chains.get(id) ?? Promise.resolve()
    let accepted!: () => void
    const early = new Promise<void>((r) => (accepted = r))
    const mine = before
      .catch(() => undefined)
      .then(() => this.run(id, key, forms, (username) => attempt(username, accepted), serverKeys(server)))
    this.chains.set(id, Promise.race([early, mine.catch(() => undefined)]))
    return mine
  }

  private async run(
    id: number,
    key: string,
    forms: FormToTry[],
    attempt: (username: string) => Promise<string>,
    keys: string[]
  ): Promise<SignedIn> {
    const rec = this.records.get(key) ?? { failed: 0, tried: new Set<string>(), refused: [] }
    this.records.set(key, rec)
    const stop = this.stopped.get(id) ?? this.memory?.recall(keys, this.address)
    if (stop) throw notRetried(stop)
    if (rec.refusal && !WRONG_USER_OR_PASSWORD.has(rec.refusal.code)) throw notRetried(rec.refusal)
    const worked = rec.worked && forms.find((f) => f.username === rec.worked!.username)
    const plan = worked ? [worked] : forms.filter((f) => !rec.tried.has(f.username))
    let last: AppError | undefined
    for (const form of plan) {
      if (rec.failed >= MAX_FAILED) break
      rec.tried.add(form.username)
      try {
        const info = await attempt(form.username)
        rec.worked = form
        return { info, form }
      } catch (err) {
        const d = toDiagnosis(err)
        const refused = WRONG_USER_OR_PASSWORD.has(d.code) || ACCOUNT_ANSWERS.has(d.code) || STOP_ANSWERS.has(d.code)
        if (!refused) {
          // No answer about the sign-in (connection lost, timeout): another port may ask again.
          rec.tried.delete(form.username)
          throw err
        }
        rec.failed++
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1)
        rec.refused.push(form.username)
        const withForms = { ...d, params: { ...(d.params ?? {}), usernames: rec.refused.join(', ') } }
        rec.refusal = withForms
        if (STOP_ANSWERS.has(d.code)) {
          this.stopped.set(id, withForms)
          this.memory?.remember(keys, this.address, withForms)
        }
        last = new AppError(withForms)
        if (!WRONG_USER_OR_PASSWORD.has(d.code)) throw last
      }
    }
    if (last) throw last
    throw notRetried(rec.refusal ?? diagnose('auth-failed'))
  }
}

function serverKeys(s: Server): string[] {
  return [
    s.ip ? `ip:${s.ip}` : undefined,
    s.fingerprint ? `fp:${s.fingerprint}` : undefined,
    `host:${s.host.toLowerCase()}`
  ].filter((k): k is string => Boolean(k))
}

function notRetried(d: Diagnosis): AppError {
  return new AppError({ ...d, detail: `not retried: ${d.detail ?? d.code}` })
}
