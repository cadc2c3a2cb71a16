// Connections opened ahead of the check (issue 16). While the search still runs, the servers an
// untrusted source names (guessing, an MX or SRV host in another domain) are connected to and
// brought up to their sign-in: DNS, TCP, TLS, certificate, greeting, capabilities, and no
// further. No user name and no credential is sent on them. When a trusted source then names the
// same server (protocol, host, port, security), its probe takes the connection over instead of
// opening its own, and the round trips already spent are not spent again; the checks it passed
// are the same checks a new connection would pass (same resolver view, same trust store, same
// TLS floor, same certificate rules). A connection no trusted source claims is closed when the
// check can take no more servers, or after `holdMs`.
import type { ServerSettings } from '../../shared/domain'
import type { HostException, Probe } from '../../shared/verify'
import type { Dns } from '../net/dns'
import type { TlsVersion } from '../net/trust'
import { driverFor, exceptionFor } from './drivers'
import type { LineSocket } from './lines'
import { ProbeRecorder } from './recorder'
import { openConnection, type Driver, type Opened, type Seen } from './session'
import type { Timing } from './timing'

/** A connection opened ahead, as the probe that takes it over sees it. */
export interface WarmConnection {
  /** The address and certificate met so far. */
  readonly seen: Seen
  /** Makes its record the probe's: the steps taken so far, then the probe's own. */
  adopt(id: string, role: Probe['role'], settings: ServerSettings, onProbe: (p: Probe) => void): ProbeRecorder
  /** The connection once it reached its sign-in (or its failure); `signal` now governs it. */
  ready(signal: AbortSignal): Promise<Opened>
}

export interface WarmContext {
  dns: Dns
  ca: string[]
  minTls: TlsVersion | undefined
  timing: Timing
  exceptions: HostException[]
  signal: AbortSignal
  /**
   * Whether a connection that failed is handed over as the probe's result: yes within one check
   * (the same steps at nearly the same moment), no for connections prepared before the check
   * (the network may have changed since: the check tries again).
   */
  failuresCount: boolean
}

/** What a check holds a taken connection to: the same trust and TLS floor it was opened under. */
export interface TakeTerms {
  ca: string[]
  minTls: TlsVersion | undefined
  exception: HostException | undefined
}

const sameException = (a: HostException | undefined, b: HostException | undefined): boolean =>
  a?.fingerprint256 === b?.fingerprint256 && Boolean(a?.allowPlaintext) === Boolean(b?.allowPlaintext)

interface Entry extends WarmConnection {
  driver: Driver
  /** The user's exception the certificate step ran under. */
  exception: HostException | undefined
  controller: AbortController
  state: 'opening' | 'open' | 'failed'
  /** A probe took it: the connection is the probe's to close. */
  taken: boolean
  io?: LineSocket
  hold?: NodeJS.Timeout
}

/** The transcript's line where a probe takes a connection over (tests look for its start). */
export const HANDED_OVER =
  'connection opened ahead of the check (while the search ran or the password was typed); ' +
  'no user name or password was sent on it before this line'

/** Which servers are the same server for a connection: the user name and sign-in methods are not. */
export function serverKey(s: ServerSettings): string {
  return [s.protocol, s.host.toLowerCase(), s.port, s.security].join('|')
}

export class WarmPool {
  private readonly entries = new Map<string, Entry>()
  /** Servers already opened ahead or probed: never opened ahead (again). */
  private readonly known = new Set<string>()
  private closed = false
  private readonly onAbort = (): void => this.close()

  constructor(private readonly ctx: WarmContext) {
    if (ctx.signal.aborted) this.closed = true
    else ctx.signal.addEventListener('abort', this.onAbort, { once: true })
  }

  /** How many connections are being opened or held now (for tests). */
  get size(): number {
    return this.entries.size
  }

  /** Opens `settings`' connection up to its sign-in, unless it is known or the pool closed. */
  open(settings: ServerSettings): void {
    const key = serverKey(settings)
    // Only encrypted servers: a plain one is never signed in to without the user's exception.
    if (this.closed || this.known.has(key) || settings.security === 'plain') return
    this.known.add(key)
    const { ctx } = this
    const controller = new AbortController()
    const role: Probe['role'] = settings.protocol === 'smtp' ? 'outgoing' : 'incoming'
    const rec = new ProbeRecorder(`ahead-${key}`, role, settings, () => undefined)
    const seen: Seen = {}
    const exception = exceptionFor(ctx.exceptions, settings)
    const input = {
      settings,
      exception,
      dns: ctx.dns,
      ca: ctx.ca,
      minTls: ctx.minTls,
      timing: ctx.timing
    }
    const driver = driverFor(settings)
    const opened = openConnection(driver, input, rec, controller.signal, seen)
    const entry: Entry = {
      driver,
      exception,
      controller,
      state: 'opening',
      taken: false,
      seen,
      adopt: (id, r, s, onProbe) => {
        clearTimeout(entry.hold)
        rec.handOver(id, r, s, onProbe, HANDED_OVER)
        return rec
      },
      ready: async (signal) => {
        const stop = (): void => controller.abort(signal.reason)
        if (signal.aborted) stop()
        signal.addEventListener('abort', stop, { once: true })
        try {
          return await opened
        } finally {
          signal.removeEventListener('abort', stop)
        }
      }
    }
    this.entries.set(key, entry)
    opened.then(
      (o) => {
        entry.state = 'open'
        entry.io = o.io
        if (entry.taken) return
        // Dropped while its last step was settling: signed off like any other.
        if (this.entries.get(key) !== entry) return signOff(driver, o.io)
        entry.hold = setTimeout(() => this.drop(key), ctx.timing.holdMs)
      },
      () => {
        entry.state = 'failed'
      }
    )
  }

  /** Where the connection opened ahead for `settings` stands; undefined when there is none. */
  stateOf(settings: ServerSettings): 'opening' | 'open' | 'lost' | 'failed' | undefined {
    const e = this.entries.get(serverKey(settings))
    if (!e) return undefined
    // Closed by the server while held, or it spoke unasked: not a connection to sign in on.
    if (e.state === 'open' && !e.io!.reusable()) return 'lost'
    return e.state
  }

  /**
   * The connection opened ahead for `settings`, now the caller's; undefined when there is none
   * or it can no longer be used (closed by the server, cancelled, or the server spoke unasked).
   * Either way the server is known from now on and is not opened ahead again.
   */
  take(settings: ServerSettings, terms: TakeTerms): WarmConnection | undefined {
    const key = serverKey(settings)
    this.known.add(key)
    const e = this.entries.get(key)
    if (!e) return undefined
    const state = this.stateOf(settings)
    // Opened under other trust (the user's exceptions, the trust store, the TLS floor): its
    // certificate step proves nothing for this check, which connects anew.
    const sameTerms =
      terms.ca === this.ctx.ca && terms.minTls === this.ctx.minTls && sameException(terms.exception, e.exception)
    // A failure is the probe's own result (the same steps, the same rules), unless it was ours
    // or happened before this check.
    const usable =
      sameTerms && state !== 'lost' && (state !== 'failed' || (this.ctx.failuresCount && !e.controller.signal.aborted))
    if (!usable) {
      this.drop(key)
      return undefined
    }
    this.entries.delete(key)
    e.taken = true
    return e
  }

  /** Closes every connection nobody took; opens no more. */
  close(): void {
    this.closed = true
    this.ctx.signal.removeEventListener('abort', this.onAbort)
    for (const key of [...this.entries.keys()]) this.drop(key)
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    clearTimeout(e.hold)
    e.controller.abort(new DOMException('No trusted source named this server', 'AbortError'))
    if (e.io) signOff(e.driver, e.io)
  }
}

/**
 * Closes a connection nobody signed in on as a client would (LOGOUT, QUIT): a server's log then
 * shows a goodbye, not a lost connection, which some intrusion filters count.
 */
function signOff(driver: Driver, io: LineSocket): void {
  if (io.alive()) driver.goodbye(io)
  io.close()
}
