// plan(choices), pure: which servers a check tries, from the session's candidates and the
// user's choices. The consent rule itself is the session's (session.test.ts, consent tests).
import { describe, expect, it } from 'vitest'
import { planServers } from '../../src/main/setup/plan'
import type { Candidate, ServerSettings } from '../../src/shared/domain'

const ADDRESS = 'ann@example.test'
const server = (
  protocol: ServerSettings['protocol'],
  host: string,
  port: number,
  extra: Partial<ServerSettings> = {}
): ServerSettings => ({
  protocol,
  host,
  port,
  security: 'tls',
  username: ADDRESS,
  auth: ['password-cleartext'],
  ...extra
})
const candidate = (id: string, level: 'trusted' | 'confirm', extra: Partial<Candidate> = {}): Candidate => ({
  id,
  source: level === 'trusted' ? 'autoconfig-https' : 'guess',
  trust: { level, reason: level === 'trusted' ? 'https-in-domain' : 'guess' },
  score: level === 'trusted' ? 10 : 50,
  incoming: [server('imap', `imap.${id}`, 993), server('pop3', `pop.${id}`, 995)],
  outgoing: [server('smtp', `smtp.${id}`, 465)],
  ...extra
})

const code = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    return (err as { diagnosis?: { code: string } }).diagnosis?.code ?? String(err)
  }
  return 'planned'
}

describe('planServers', () => {
  it('takes the best trusted candidate by default, even behind a better-scored untrusted one', () => {
    const plan = planServers([candidate('guess', 'confirm'), candidate('good', 'trusted')], {}, {})
    expect(plan.candidate?.id).toBe('good')
    expect(plan.incoming.map((s) => s.host)).toEqual(['imap.good'])
    expect(plan.source).toBe('autoconfig-https')
  })

  it('follows the chosen candidate, protocol, POP options and helpdesk breadth', () => {
    const list = [candidate('a', 'trusted'), candidate('b', 'trusted')]
    const pop = planServers(list, { candidateId: 'b', protocol: 'pop3', pop3: { leaveOnServer: false } }, {})
    expect(pop.incoming).toEqual([{ ...server('pop3', 'pop.b', 995), pop3: { leaveOnServer: false } }])
    expect(planServers(list, { candidateId: 'b', everyProtocol: true }, {}).incoming.map((s) => s.protocol)).toEqual([
      'imap',
      'pop3'
    ])
    expect(code(() => planServers(list, { candidateId: 'gone' }, {}))).toBe('no-settings-found')
    expect(
      code(() =>
        planServers(
          [candidate('x', 'trusted', { incoming: [server('imap', 'imap.x', 993)] })],
          { protocol: 'pop3' },
          {}
        )
      )
    ).toBe('no-settings-found')
  })

  it('a user name the user typed replaces the found one, and no other form is tried then', () => {
    const guessed = candidate('g', 'trusted', { incoming: [server('imap', 'imap.g', 993, { usernameGuessed: true })] })
    const plan = planServers([guessed], { username: ' ann.b ' }, {})
    expect(plan.incoming[0]).toMatchObject({ username: 'ann.b' })
    expect(plan.incoming[0]?.usernameGuessed).toBeUndefined()
    expect(planServers([guessed], {}, {}).incoming[0]?.usernameGuessed).toBe(true)
  })

  it('servers the user typed replace their side; both typed need no candidate and are manual', () => {
    const typed = { incoming: [server('imap', 'typed.example', 143, { security: 'starttls' })] }
    const mixed = planServers([candidate('a', 'trusted')], {}, typed)
    expect(mixed.incoming.map((s) => s.host)).toEqual(['typed.example'])
    expect(mixed.outgoing.map((s) => s.host)).toEqual(['smtp.a'])
    expect(mixed.source).toBe('autoconfig-https')
    const manual = planServers([], {}, { ...typed, outgoing: [server('smtp', 'typed.example', 587)] })
    expect(manual.candidate).toBeUndefined()
    expect(manual.source).toBe('manual')
    expect(code(() => planServers([], {}, typed))).toBe('no-settings-found')
  })
})
