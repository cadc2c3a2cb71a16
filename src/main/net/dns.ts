// DNS through one configurable resolver, so tests can point every lookup at the bench
// and every lookup has a deadline. Connections resolve here, never through getaddrinfo.
//
// Answers are shared, so no run waits twice for the same name:
// - `createDns` (one per app) asks each name once at a time (callers asking while a question is
//   out wait for its answer) and keeps A/AAAA answers for their TTL (at most 5 minutes), so the
//   verification after a discovery reuses what the discovery learned.
// - `runDns` (one per discovery or verification run) keeps every answer, found or not found, for
//   the run's few seconds: the nine sources ask the domain, its MX and the usual host names
//   again and again. Node's resolver gives no TTL for MX, SRV, TXT or a negative answer, so those are
//   never kept beyond the run.
import type { Resolver } from 'node:dns/promises'
import { setMaxListeners } from 'node:events'
import type { LookupFunction } from 'node:net'
import type { Config } from '../config'
import { AppError } from '../errors'
import { DnsServerError, parseDnsServers } from './dns-servers'
import { nodeDns } from './builtins'

export interface Dns {
  resolve4(host: string, signal?: AbortSignal): Promise<string[]>
  resolve6(host: string, signal?: AbortSignal): Promise<string[]>
  resolveMx(domain: string, signal?: AbortSignal): Promise<Array<{ exchange: string; priority: number }>>
  resolveSrv(
    name: string,
    signal?: AbortSignal
  ): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>
  /** TXT records, each as its character-strings (RFC 1035 §3.3.14: join them without a separator). */
  resolveTxt(name: string, signal?: AbortSignal): Promise<string[][]>
  /** A then AAAA (both asked at once); addresses in happy-eyeballs order (v6, v4, v6, …). */
  lookupAll(host: string, signal?: AbortSignal): Promise<Array<{ address: string; family: 4 | 6 }>>
  /** A `lookup` for net/tls/https options, resolving through this resolver. */
  lookupFn: LookupFunction
}

type Queries = Pick<Dns, 'resolve4' | 'resolve6' | 'resolveMx' | 'resolveSrv' | 'resolveTxt'>

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME'])
/** Longest time an A/AAAA answer is kept, whatever its TTL says. */
const MAX_TTL_S = 300

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has((err as NodeJS.ErrnoException)?.code ?? '')
}

const aborted = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('Aborted', 'AbortError')

interface Entry<T> {
  promise: Promise<T>
  settled: boolean
  /** Date.now() after which a settled answer is asked again. */
  expires: number
  waiters: number
  cancel(): void
}

/** Questions by key: one at a time per key, answers kept until they expire. */
class Shared {
  private readonly entries = new Map<string, Entry<unknown>>()

  ask<T>(
    key: string,
    query: () => { promise: Promise<{ value: T; ttlS?: number }>; cancel(): void },
    signal?: AbortSignal
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(aborted(signal))
    let e = this.entries.get(key) as Entry<T> | undefined
    if (e?.settled && e.expires <= Date.now()) {
      this.entries.delete(key)
      e = undefined
    }
    if (!e) {
      const q = query()
      const entry: Entry<T> = {
        settled: false,
        expires: 0,
        waiters: 0,
        cancel: q.cancel,
        promise: undefined as unknown as Promise<T>
      }
      entry.promise = q.promise.then(
        ({ value, ttlS }) => {
          entry.settled = true
          entry.expires = Date.now() + Math.min(ttlS ?? 0, MAX_TTL_S) * 1000
          if (entry.expires <= Date.now()) this.drop(key, entry)
          return value
        },
        (err: unknown) => {
          entry.settled = true
          this.drop(key, entry)
          throw err
        }
      )
      entry.promise.catch(() => undefined)
      this.entries.set(key, entry as Entry<unknown>)
      e = entry
    }
    if (e.settled) return e.promise
    if (!signal) {
      // A caller that cannot give up holds the question open for good.
      const held = e
      held.waiters++
      held.promise.then(
        () => held.waiters--,
        () => held.waiters--
      )
      return held.promise
    }
    return this.wait(key, e, signal)
  }

  private drop(key: string, entry: Entry<unknown>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key)
  }

  /** Waits for the shared answer; the question is cancelled when its last waiter gives up. */
  private wait<T>(key: string, e: Entry<T>, signal: AbortSignal): Promise<T> {
    e.waiters++
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        e.waiters--
        if (e.waiters === 0 && !e.settled) {
          this.drop(key, e as Entry<unknown>)
          e.cancel()
        }
        reject(aborted(signal))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      e.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort)
          e.waiters--
          resolve(v)
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort)
          e.waiters--
          reject(signal.aborted ? aborted(signal) : err)
        }
      )
    })
  }
}

export function createDns(config: Pick<Config, 'dnsServers'>, timeoutMs = 2500): Dns {
  // A bad setting fails each lookup as a value; handing it to setServers could abort the process.
  let servers: string[] = []
  let bad: DnsServerError | undefined
  try {
    servers = parseDnsServers(config.dnsServers)
  } catch (err) {
    if (!(err instanceof DnsServerError)) throw err
    bad = err
  }
  const make = (): Resolver => {
    if (bad) throw new AppError({ code: 'dns-failed', protocol: 'dns', detail: bad.message })
    const r = new (nodeDns().Resolver)({ timeout: timeoutMs, tries: 2 })
    if (servers.length) r.setServers(servers)
    return r
  }
  const shared = new Shared()
  // One Resolver per question so the last waiter's cancel can abort just that question.
  function ask<T>(
    key: string,
    fn: (r: Resolver) => Promise<{ value: T; ttlS?: number }>,
    signal?: AbortSignal
  ): Promise<T> {
    return shared.ask(
      key,
      () => {
        try {
          const r = make()
          return { promise: fn(r), cancel: () => r.cancel() }
        } catch (err) {
          return { promise: Promise.reject(err), cancel: () => undefined }
        }
      },
      signal
    )
  }
  const minTtl = (records: Array<{ address: string; ttl: number }>): { value: string[]; ttlS: number } => ({
    value: records.map((x) => x.address),
    ttlS: records.length ? Math.min(...records.map((x) => x.ttl)) : 0
  })
  return withLookups({
    resolve4: (h, s) => ask(`A ${h.toLowerCase()}`, async (r) => minTtl(await r.resolve4(h, { ttl: true })), s),
    resolve6: (h, s) => ask(`AAAA ${h.toLowerCase()}`, async (r) => minTtl(await r.resolve6(h, { ttl: true })), s),
    resolveMx: (d, s) => ask(`MX ${d.toLowerCase()}`, async (r) => ({ value: await r.resolveMx(d) }), s),
    resolveSrv: (n, s) => ask(`SRV ${n.toLowerCase()}`, async (r) => ({ value: await r.resolveSrv(n) }), s),
    resolveTxt: (n, s) => ask(`TXT ${n.toLowerCase()}`, async (r) => ({ value: await r.resolveTxt(n) }), s)
  })
}

/**
 * The app's resolver as one run sees it: every answer (found, not found, failed) is asked once
 * for the whole run. `end()` lets go of questions still out.
 */
export function runDns(dns: Dns, signal: AbortSignal): { dns: Dns; end(): void } {
  const stop = new AbortController()
  const runSignal = AbortSignal.any([signal, stop.signal])
  // Every question out listens on it: a run asks dozens of names.
  setMaxListeners(0, runSignal)
  const memo = new Map<string, Promise<unknown>>()
  function once<T>(key: string, fn: (s: AbortSignal) => Promise<T>, callerSignal?: AbortSignal): Promise<T> {
    let p = memo.get(key) as Promise<T> | undefined
    if (!p) {
      p = fn(runSignal)
      p.catch(() => undefined)
      memo.set(key, p)
    }
    return callerSignal ? raceAbort(p, callerSignal) : p
  }
  return {
    dns: withLookups({
      resolve4: (h, s) => once(`A ${h.toLowerCase()}`, (rs) => dns.resolve4(h, rs), s),
      resolve6: (h, s) => once(`AAAA ${h.toLowerCase()}`, (rs) => dns.resolve6(h, rs), s),
      resolveMx: (d, s) => once(`MX ${d.toLowerCase()}`, (rs) => dns.resolveMx(d, rs), s),
      resolveSrv: (n, s) => once(`SRV ${n.toLowerCase()}`, (rs) => dns.resolveSrv(n, rs), s),
      resolveTxt: (n, s) => once(`TXT ${n.toLowerCase()}`, (rs) => dns.resolveTxt(n, rs), s)
    }),
    end: () => stop.abort()
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      }
    )
  })
}

const isIp = (h: string): 0 | 4 | 6 => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? 4 : h.includes(':') ? 6 : 0)

/** Adds lookupAll (A and AAAA at once) and a net-style lookup over the four questions. */
function withLookups(q: Queries): Dns {
  const dns: Dns = {
    ...q,
    async lookupAll(host, signal) {
      const literal = isIp(host.replace(/^\[|\]$/g, ''))
      if (literal) return [{ address: host.replace(/^\[|\]$/g, ''), family: literal }]
      const [v4, v6] = await Promise.allSettled([q.resolve4(host, signal), q.resolve6(host, signal)])
      if (signal?.aborted) throw aborted(signal)
      const a = v4.status === 'fulfilled' ? v4.value : []
      const aaaa = v6.status === 'fulfilled' ? v6.value : []
      if (!a.length && !aaaa.length) {
        const err = [v4, v6].find((r) => r.status === 'rejected' && !isNotFound(r.reason))
        if (err && err.status === 'rejected') throw err.reason
        const e = new Error(`${host} not found`) as NodeJS.ErrnoException
        e.code = 'ENOTFOUND'
        throw e
      }
      const out: Array<{ address: string; family: 4 | 6 }> = []
      for (let i = 0; i < Math.max(a.length, aaaa.length); i++) {
        if (aaaa[i]) out.push({ address: aaaa[i]!, family: 6 })
        if (a[i]) out.push({ address: a[i]!, family: 4 })
      }
      return out
    },
    lookupFn: lookupFrom((hostname) => dns.lookupAll(hostname))
  }
  return dns
}

/**
 * A net-style `lookup` (for net/tls/https options) answering from `all` (every address of a
 * host, as lookupAll gives them), with the `family` and `all` options Node passes.
 */
export function lookupFrom(
  all: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>
): LookupFunction {
  return ((hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      address: string | Array<{ address: string; family: number }>,
      family?: number
    ) => void
    const opts = (typeof options === 'object' && options ? options : {}) as { all?: boolean; family?: number }
    all(hostname).then(
      (list) => {
        const filtered = opts.family === 4 || opts.family === 6 ? list.filter((x) => x.family === opts.family) : list
        if (!filtered.length) {
          const e = new Error(`${hostname} not found`) as NodeJS.ErrnoException
          e.code = 'ENOTFOUND'
          return cb(e, '')
        }
        if (opts.all) cb(null, filtered)
        else cb(null, filtered[0]!.address, filtered[0]!.family)
      },
      (err: NodeJS.ErrnoException) => cb(err, '')
    )
  }) as LookupFunction
}
