// Addresses through discovery: IDN domains go to DNS and hosts as punycode, UTF-8 local
// parts and +tags survive, whitespace and domain case are normalised, bad input is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toDiagnosis } from '../../src/main/errors'
import { autoconfigXml, discoveryWorld, xmlReply, type DiscoveryWorld as World } from './discovery'

let world: World
const IDN = 'bücher.example'
const ASCII = 'xn--bcher-kva.example'

beforeAll(async () => {
  world = await discoveryWorld([ASCII, 'world.example', 'plain.example'])
  world.host(`autoconfig.${ASCII}`, `imap.${ASCII}`)
  world.serve(
    'https',
    `autoconfig.${ASCII}`,
    '/mail/config-v1.1.xml',
    xmlReply(autoconfigXml({ domain: ASCII, imap: 'imap.%EMAILDOMAIN%', smtp: 'smtp.%EMAILDOMAIN%' }))
  )
})
afterAll(() => world?.stop())

describe('addresses', () => {
  it('asks DNS and builds hosts in punycode for an internationalised domain', async () => {
    const q = world.dns.queries.length
    const run = await world.run(`jöran+shop@${IDN}`)
    const asked = world.dns.queries.slice(q)
    expect(asked.some((x) => x.startsWith(`autoconfig.${ASCII} `))).toBe(true)
    expect(asked.some((x) => x.startsWith(`_imaps._tcp.${ASCII} `))).toBe(true)
    expect(asked.every((x) => /^[\x20-\x7e]+$/.test(x))).toBe(true)
    const c = run.result.candidates.find((x) => x.source === 'autoconfig-https')!
    expect(c.incoming[0]).toMatchObject({ host: `imap.${ASCII}`, username: `jöran+shop@${IDN}` })
    expect(run.result).toMatchObject({ address: `jöran+shop@${IDN}`, domain: IDN })
    const guess = run.result.candidates.find((x) => x.source === 'guess')!
    expect(guess.incoming[0]!.host).toBe(`imap.${ASCII}`)
    // The autoconfig query carries the address, UTF-8 and +tag intact.
    const hit = world.log.find((l) => l.host === `autoconfig.${ASCII}`)!
    expect(new URL(hit.url, 'https://x').searchParams.get('emailaddress')).toBe(`jöran+shop@${IDN}`)
  })

  it('normalises whitespace and domain case but keeps the local part as typed', async () => {
    const run = await world.run('  \tMixed.Case+Tag@PLAIN.Example  ', { offline: true })
    expect(run.result.address).toBe('Mixed.Case+Tag@plain.example')
  })

  it('refuses invalid addresses with a typed problem before any lookup', async () => {
    const cases: Array<[string, string]> = [
      ['', 'empty'],
      ['no-at-sign', 'no-at'],
      ['a@localhost', 'domain-no-dot'],
      ['a@exa mple.com', 'domain-invalid'],
      ['a..b@x.example', 'local-invalid'],
      [`${'x'.repeat(65)}@x.example`, 'local-too-long']
    ]
    const q = world.dns.queries.length
    for (const [input, problem] of cases) {
      const err = await world.run(input).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(toDiagnosis(err), input).toMatchObject({ code: 'address-invalid', params: { problem } })
    }
    expect(world.dns.queries.length).toBe(q)
  })
})
