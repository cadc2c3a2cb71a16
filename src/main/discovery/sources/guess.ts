// Guessing: the usual host names, kept only if they exist in DNS (A/AAAA, asked in parallel).
// Candidates only: no connection is made here, proving them is verification's job. Plain
// (unencrypted) entries are never guessed.
import type { Protocol, Security, ServerSettings } from '../../../shared/domain'
import { found, nothing, type Source, type SourceContext } from '../types'
import { portsToTry } from '../../../shared/ports'

// Ports from the port rules (shared/ports.ts), SMTP's 25 last: verification tries it only when
// neither 465 nor 587 answered (verify/verdict.ts); many networks block it.
const PLAN: Array<{ prefix: string; protocol: Protocol; ports: Array<[number, Security]> }> = [
  { prefix: 'imap.', protocol: 'imap' },
  { prefix: 'mail.', protocol: 'imap' },
  { prefix: '', protocol: 'imap' },
  { prefix: 'pop.', protocol: 'pop3' },
  { prefix: 'pop3.', protocol: 'pop3' },
  { prefix: 'mail.', protocol: 'pop3' },
  { prefix: 'smtp.', protocol: 'smtp' },
  { prefix: 'mail.', protocol: 'smtp' },
  { prefix: '', protocol: 'smtp' }
].map((p) => ({ ...p, protocol: p.protocol as Protocol, ports: portsToTry(p.protocol as Protocol) }))

export const GUESS_PREFIXES = [...new Set(PLAN.map((p) => p.prefix))]

async function exists(ctx: SourceContext, host: string): Promise<boolean> {
  try {
    return (await ctx.dns.lookupAll(host, ctx.signal)).length > 0
  } catch {
    return false
  }
}

export const guessSource: Source = {
  id: 'guess',
  network: true,
  timeoutMs: 4000,
  async run(ctx) {
    const d = ctx.addr.asciiDomain
    const live = new Map(
      await Promise.all(GUESS_PREFIXES.map(async (p) => [p, await exists(ctx, `${p}${d}`)] as const))
    )
    const entries: ServerSettings[] = []
    for (const step of PLAN) {
      if (!live.get(step.prefix)) continue
      for (const [port, security] of step.ports) {
        entries.push({
          protocol: step.protocol,
          host: `${step.prefix}${d}`,
          port,
          security,
          username: ctx.addr.address,
          usernameGuessed: true,
          guessed: true,
          auth: ['password-cleartext'],
          ...(step.protocol === 'pop3' ? { pop3: { leaveOnServer: true } } : {})
        })
      }
    }
    const incoming = entries.filter((e) => e.protocol !== 'smtp')
    const outgoing = entries.filter((e) => e.protocol === 'smtp')
    if (!incoming.length && !outgoing.length) return nothing('no-hosts', 'none of the usual host names exist')
    const names = [...live].filter(([, ok]) => ok).map(([p]) => `${p}${d}`)
    return found(
      [
        { source: 'guess', trust: { level: 'confirm', reason: 'guess', subject: names.join(', ') }, incoming, outgoing }
      ],
      names.join(', ')
    )
  }
}
