// DNS through one configurable resolver, so tests can point every lookup at the bench
// and every lookup has a deadline. Connections resolve here, never through getaddrinfo.
import { Resolver } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import type { Config } from '../config'
import { AppError } from '../errors'
import { DnsServerError, parseDnsServers } from './dns-servers'

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

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME'])

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has((err as NodeJS.ErrnoException)?.code ?? '')
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
    const r = new Resolver({ timeout: timeoutMs, tries: 2 })
    if (servers.length) r.setServers(servers)
    return r
  }

  // One Resolver per query so a cancel can abort just that query.
  async function run<T>(fn: (r: Resolver) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const r = make()
    if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError')
    const onAbort = (): void => r.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await fn(r)
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError')
      throw err
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  const isIp = (h: string): 0 | 4 | 6 => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? 4 : h.includes(':') ? 6 : 0)

  const dns: Dns = {
    resolve4: (h, s) => run((r) => r.resolve4(h), s),
    resolve6: (h, s) => run((r) => r.resolve6(h), s),
    resolveMx: (d, s) => run((r) => r.resolveMx(d), s),
    resolveSrv: (n, s) => run((r) => r.resolveSrv(n), s),
    resolveTxt: (n, s) => run((r) => r.resolveTxt(n), s),
    async lookupAll(host, signal) {
      const literal = isIp(host.replace(/^\[|\]$/g, ''))
      if (literal) return [{ address: host.replace(/^\[|\]$/g, ''), family: literal }]
      const [v4, v6] = await Promise.allSettled([dns.resolve4(host, signal), dns.resolve6(host, signal)])
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
    lookupFn: ((hostname: string, options: unknown, callback: unknown) => {
      const cb = (typeof options === 'function' ? options : callback) as (
        err: NodeJS.ErrnoException | null,
        address: string | Array<{ address: string; family: number }>,
        family?: number
      ) => void
      const opts = (typeof options === 'object' && options ? options : {}) as { all?: boolean; family?: number }
      dns.lookupAll(hostname).then(
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
  return dns
}
