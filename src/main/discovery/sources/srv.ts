// RFC 6186 / RFC 8314 SRV records. Lowest priority first, then implicit TLS before STARTTLS
// (RFC 8314), then higher weight. A lone "." target means the service is not offered.
// Targets outside the domain need confirmation (no DNSSEC here to vouch for them).
import type { ServerSettings } from '../../../shared/domain'
import { isNotFound } from '../../net/dns'
import { inDomain } from '../../net/http'
import { failed, found, nothing, type Source, type SourceContext } from '../types'
import { PORT_RULES, type PortRule } from '../../../shared/ports'

type Service = PortRule

interface Ranked {
  entry: ServerSettings
  priority: number
  weight: number
  order: number
}

type Answer =
  | { svc: Service; records: Array<{ name: string; port: number; priority: number; weight: number }> }
  | { svc: Service; error: unknown }

async function ask(ctx: SourceContext, svc: Service): Promise<Answer> {
  try {
    return { svc, records: await ctx.dns.resolveSrv(`${svc.srv}.${ctx.addr.asciiDomain}`, ctx.signal) }
  } catch (error) {
    return { svc, error }
  }
}

export const srvSource: Source = {
  id: 'srv',
  network: true,
  timeoutMs: 4000,
  async run(ctx) {
    const answers = await Promise.all(PORT_RULES.map((s) => ask(ctx, s)))
    const ranked: Ranked[] = []
    const outside: string[] = []
    let notOffered = 0
    for (const [order, a] of answers.entries()) {
      if ('error' in a) continue
      const targets = a.records.filter((r) => r.name && r.name !== '.')
      if (!targets.length) {
        if (a.records.length) notOffered++
        continue
      }
      for (const r of targets) {
        const host = r.name.toLowerCase().replace(/\.$/, '')
        if (!inDomain(host, ctx.addr.asciiDomain)) outside.push(host)
        ranked.push({
          entry: {
            protocol: a.svc.protocol,
            host,
            port: r.port,
            security: a.svc.security,
            // RFC 6186 names no user name: the sign-in tries the address, then its local part.
            username: ctx.addr.address,
            usernameGuessed: true,
            auth: ['password-cleartext'],
            ...(a.svc.protocol === 'pop3' ? { pop3: { leaveOnServer: true } } : {})
          },
          priority: r.priority,
          weight: r.weight,
          order
        })
      }
    }
    if (!ranked.length) {
      const hardError = answers.find((a) => 'error' in a && !isNotFound(a.error))
      if (hardError && 'error' in hardError)
        return failed('dns-error', `SRV lookup failed: ${(hardError.error as NodeJS.ErrnoException).code ?? 'error'}`)
      return notOffered ? nothing('not-offered', `${notOffered} service(s) published as "."`) : nothing('no-srv')
    }
    const sort = (list: Ranked[]): ServerSettings[] =>
      list
        .sort(
          (x, y) =>
            x.priority - y.priority ||
            (x.entry.security === 'tls' ? 0 : 1) - (y.entry.security === 'tls' ? 0 : 1) ||
            y.weight - x.weight ||
            x.order - y.order
        )
        .map((r) => r.entry)
        .slice(0, 32)
    const trust = outside.length
      ? ({ level: 'confirm', reason: 'srv-other-domain', subject: outside[0] } as const)
      : ({ level: 'trusted', reason: 'srv-in-domain', subject: ctx.addr.asciiDomain } as const)
    return found([
      {
        source: 'srv',
        trust,
        incoming: sort(ranked.filter((r) => r.entry.protocol !== 'smtp')),
        outgoing: sort(ranked.filter((r) => r.entry.protocol === 'smtp'))
      }
    ])
  }
}
