// What the round trip answers through the API is redacted like verification's answer: a
// server that quotes the password in its refusal must not carry it to the renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import type { Result } from '../../src/shared/api'
import type { RoundTripResult } from '../../src/shared/verify'
import { startFake, type Fake } from '../fakes/server'
import { imapScript, smtpScript } from '../fakes/scripts'
import { PASSWORD, USER, settings, world, type World } from './helpers'

let w: World
const fakes: Fake[] = []
const dir = mkdtempSync(join(tmpdir(), 'roundtrip-redact-'))
beforeAll(async () => {
  w = await world()
})
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()))
  await w.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function fake(name: string, opts: Parameters<typeof startFake>[0]): Promise<Fake> {
  const f = await startFake(opts)
  fakes.push(f)
  w.name(name, f.host)
  return f
}

describe('round trip through the API', () => {
  it('a refusal quoting the password reaches the caller as auth-failed, without the password', async () => {
    const imap = 'imap.echo.fake.test'
    const smtp = 'smtp.echo.fake.test'
    await fake(imap, { port: 993, tls: await w.cert([imap]), handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' }) })
    const out = await fake(smtp, {
      port: 465,
      tls: await w.cert([smtp]),
      handler: smtpScript({
        ehlo: ['AUTH PLAIN LOGIN'],
        auth: (_u, pass) => `535 5.7.8 password ${pass} is not accepted`
      })
    })
    const config = loadConfig(
      { MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_OFFLINE: '1' },
      { dnsServers: [w.dns.server], extraCaPem: [w.trust.at(-1)!] }
    )
    const handlers = createHandlers(createServices(config), { door: 'browser', version: 'test', emit: () => undefined })
    const r = (await dispatch(handlers, 'roundTrip', {
      runId: 'rt-echo',
      address: USER,
      incoming: settings('imap', imap, 993, 'tls'),
      outgoing: settings('smtp', smtp, 465, 'tls'),
      credentials: { kind: 'password', password: PASSWORD },
      exceptions: []
    })) as Result<RoundTripResult>
    // The server did get (and quote) the password, over TLS.
    expect(out.all()).toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'))
    expect(r.ok && r.value.ok).toBe(false)
    expect(r.ok && r.value.diagnosis?.code).toBe('auth-failed')
    expect(r.ok && r.value.diagnosis?.serverSays).toMatch(/^535 5\.7\.8 password .+ is not accepted/)
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })
})
