// What the round trip answers through the API is redacted like verification's answer: a
// server that quotes the password in its refusal must not carry it to the renderer.
import { describe, expect, it } from 'vitest'
import { imapScript, smtpScript } from '../fakes/scripts'
import { PASSWORD, USER, fakeWorld, settings } from './helpers'
import { roundTripViaApi } from './roundtrip-api'

const fw = fakeWorld()

describe('round trip through the API', () => {
  it('a refusal quoting the password reaches the caller as auth-failed, without the password', async () => {
    const w = fw.w
    const imap = 'imap.echo.fake.test'
    const smtp = 'smtp.echo.fake.test'
    await fw.fake(imap, { port: 993, tls: await w.cert([imap]), handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' }) })
    const out = await fw.fake(smtp, {
      port: 465,
      tls: await w.cert([smtp]),
      handler: smtpScript({
        ehlo: ['AUTH PLAIN LOGIN'],
        auth: (_u, pass) => `535 5.7.8 password ${pass} is not accepted`
      })
    })
    const r = await roundTripViaApi(w, {
      runId: 'rt-echo',
      incoming: settings('imap', imap, 993, 'tls'),
      outgoing: settings('smtp', smtp, 465, 'tls')
    })
    // The server did get (and quote) the password, over TLS.
    expect(out.all()).toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'))
    expect(r.ok && r.value.ok).toBe(false)
    expect(r.ok && r.value.diagnosis?.code).toBe('auth-failed')
    expect(r.ok && r.value.diagnosis?.serverSays).toMatch(/^535 5\.7\.8 password .+ is not accepted/)
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })
})
