// Autodiscover through the API: the CLI (and a wizard re-run after sign-in) can give
// discovery the password, which goes only to Autodiscover over HTTPS within the domain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import type { DiscoveryResult } from '../../src/shared/domain'
import { autodiscoverXml, discoveryWorld, xmlReply, type DiscoveryWorld as World } from './discovery'

let world: World
const PASSWORD = 'Exch4nge-only-pw'
const D = 'exch.example'

beforeAll(async () => {
  world = await discoveryWorld([D])
  world.host(D, `autoconfig.${D}`, `autodiscover.${D}`)
  // The in-domain Autodiscover answers only with the right Basic credentials.
  const expected = `Basic ${Buffer.from(`u@${D}:${PASSWORD}`).toString('base64')}`
  const settings = autodiscoverXml([
    { Type: 'IMAP', Server: `mail.${D}`, Port: '993', SSL: 'on' },
    { Type: 'SMTP', Server: `mail.${D}`, Port: '587', Encryption: 'TLS' }
  ])
  world.serve('https', `autodiscover.${D}`, '/autodiscover/autodiscover.xml', (req) =>
    req.headers.authorization === expected ? xmlReply(settings) : { status: 401, body: '' }
  )
})

afterAll(async () => {
  await world?.stop()
})

function handlers(): ReturnType<typeof createHandlers> {
  const services = { ...createServices({ ...world.config, offline: false }), dns: world.appDns, ca: world.ca }
  return createHandlers(services, { door: 'cli', version: 'test', emit: () => undefined })
}

describe('discover with credentials', () => {
  it('without a password, authenticated Autodiscover finds nothing', async () => {
    const res = await dispatch(handlers(), 'discover', { runId: 'a', address: `u@${D}`, deadlineMs: 4000 })
    expect(res.ok).toBe(true)
    const result = (res as { value: DiscoveryResult }).value
    expect(result.candidates.some((c) => c.source === 'autodiscover')).toBe(false)
  })

  it('with the password, Autodiscover within the domain answers, and nothing reported carries it', async () => {
    const before = world.log.length
    const res = await dispatch(handlers(), 'discover', {
      runId: 'b',
      address: `u@${D}`,
      deadlineMs: 4000,
      credentials: { kind: 'password', password: PASSWORD }
    })
    expect(res.ok).toBe(true)
    const result = (res as { value: DiscoveryResult }).value
    const c = result.candidates.find((x) => x.source === 'autodiscover')
    expect(c?.trust).toMatchObject({ level: 'trusted' })
    expect(c?.incoming[0]).toMatchObject({ protocol: 'imap', host: `mail.${D}`, port: 993, security: 'tls' })
    expect(JSON.stringify(result)).not.toContain(PASSWORD)
    // Only HTTPS requests inside the domain carried credentials.
    const withCreds = world.log.slice(before).filter((l) => l.headers.authorization)
    expect(withCreds.length).toBeGreaterThan(0)
    expect(withCreds.every((l) => l.scheme === 'https' && l.host.endsWith(D))).toBe(true)
  })
})
