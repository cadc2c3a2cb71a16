// Finding 9: what a long-running process (browser mode) keeps per `verify`. Every run goes
// through the same handlers and dispatch as the doors, against a real IMAP server on
// loopback. Figures (KB per verify) are in bench/hardening.bench.ts; here the two causes:
// secrets registered for redaction and never forgotten, and abort listeners never removed
// (Node keeps an AbortSignal.any() signal with a listener, and all it reaches, until it aborts).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startWorld, type World } from '../world/compose'
import { imapScript } from '../fakes/scripts'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { createHandlers, dispatch, type Handlers } from '../../src/main/api/handlers'
import { knownSecretCount, redact, REDACTION_MASK } from '../../src/main/redact'

const HOST = 'mail.long-running.test'
const ADDRESS = 'user@long-running.test'
let w: World
let handlers: Handlers

beforeAll(async () => {
  w = await startWorld(inject('bench'))
  await w.fake(HOST, { port: 993, tls: await w.cert([HOST]), handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' }) })
  const config = loadConfig(
    {},
    { dnsServers: [w.dns.server], extraCaPem: [w.ca.certPem], ispDirs: [], userDataDir: w.dir }
  )
  handlers = createHandlers(createServices(config), { door: 'browser', version: 'test', emit: () => undefined })
})
afterAll(async () => {
  await w?.stop()
})

const settings = {
  protocol: 'imap' as const,
  host: HOST,
  port: 993,
  security: 'tls' as const,
  username: ADDRESS,
  auth: ['password-cleartext' as const]
}

async function verifyOnce(password: string, through = handlers): Promise<void> {
  const r = await dispatch(through, 'verify', {
    runId: 'loop',
    address: ADDRESS,
    incoming: [settings],
    outgoing: [],
    credentials: { kind: 'password', password }
  })
  expect(r.ok && (r.value as { incoming?: unknown }).incoming).toBeTruthy()
}

describe('a long-running process', () => {
  it('forgets the passwords (and their SASL payloads) of earlier verifies; the session keeps only the latest', async () => {
    await verifyOnce('first-password-0')
    const start = knownSecretCount()
    for (let i = 1; i <= 20; i++) await verifyOnce(`another-password-${i}`)
    expect(knownSecretCount()).toBeLessThanOrEqual(start)
  })

  it('removes every abort listener it added to a signal that did not abort', async () => {
    const live = new Map<EventTarget, Set<unknown>>()
    const add = EventTarget.prototype.addEventListener
    const remove = EventTarget.prototype.removeEventListener
    EventTarget.prototype.addEventListener = function (
      this: EventTarget,
      type: string,
      listener: unknown,
      opts?: unknown
    ) {
      if (type === 'abort' && this instanceof AbortSignal) {
        const set = live.get(this) ?? new Set()
        set.add(listener)
        live.set(this, set)
      }
      return add.call(this, type, listener as Parameters<typeof add>[1], opts as Parameters<typeof add>[2])
    } as typeof add
    EventTarget.prototype.removeEventListener = function (
      this: EventTarget,
      type: string,
      listener: unknown,
      opts?: unknown
    ) {
      if (type === 'abort') live.get(this)?.delete(listener)
      return remove.call(this, type, listener as Parameters<typeof remove>[1], opts as Parameters<typeof remove>[2])
    } as typeof remove
    try {
      await verifyOnce('listener-password')
    } finally {
      EventTarget.prototype.addEventListener = add
      EventTarget.prototype.removeEventListener = remove
    }
    const left = [...live].filter(([signal, set]) => !(signal as AbortSignal).aborted && set.size > 0)
    expect(live.size).toBeGreaterThan(0)
    expect(left.reduce((n, [, set]) => n + set.size, 0)).toBe(0)
  })

  it('the CLI door (one command per process) leaves its secrets to the end of the process, unscoped', async () => {
    const config = loadConfig(
      {},
      { dnsServers: [w.dns.server], extraCaPem: [w.ca.certPem], ispDirs: [], userDataDir: w.dir }
    )
    const cli = createHandlers(createServices(config), { door: 'cli', version: 'test', emit: () => undefined })
    const before = knownSecretCount()
    await verifyOnce('cli-door-password-1', cli)
    expect(knownSecretCount()).toBeGreaterThan(before)
    expect(redact('said cli-door-password-1')).toBe(`said ${REDACTION_MASK}`)
  })
})
