// The policy's TLS floor holds on every connection of the round trip, not only on the check
// before it: the libraries' own connections (nodemailer sends, imapflow reads back) are held to
// it too. The servers are real sockets that speak TLS 1.3 to the first connection (the check)
// and TLS 1.2 at most to every later one, as a downgrading middlebox would.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { roundTrip } from '../../src/main/verify'
import type { RoundTripResult } from '../../src/shared/verify'
import { imapScript, smtpScript } from '../fakes/scripts'
import { FAST, PASSWORD, USER, fakeWorld, settings } from '../verify/helpers'
import { roundTripViaApi } from '../verify/roundtrip-api'

const fw = fakeWorld()
const firstOnly13 = (n: number): 'TLSv1.2' | 'TLSv1.3' => (n === 1 ? 'TLSv1.3' : 'TLSv1.2')

/** An IMAP and an SMTP server on implicit TLS; `downgrade` offers only TLS 1.2 after its first connection. */
async function pair(tag: string, downgrade: 'imap' | 'smtp') {
  const imap = `imap.${tag}.fake.test`
  const smtp = `smtp.${tag}.fake.test`
  const inc = await fw.fake(imap, {
    port: 993,
    tls: await fw.w.cert([imap]),
    maxTls: downgrade === 'imap' ? firstOnly13 : undefined,
    handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
  })
  const out = await fw.fake(smtp, {
    port: 465,
    tls: await fw.w.cert([smtp]),
    maxTls: downgrade === 'smtp' ? firstOnly13 : undefined,
    handler: smtpScript({ ehlo: ['AUTH PLAIN LOGIN'], accept: true })
  })
  return { inc, out, incoming: settings('imap', imap, 993, 'tls'), outgoing: settings('smtp', smtp, 465, 'tls') }
}

/** The round trip through the API's own dispatch, under a policy with a TLS 1.3 floor. */
async function underPolicy(p: Awaited<ReturnType<typeof pair>>): Promise<RoundTripResult> {
  const policy = join(mkdtempSync(join(fw.w.dir, 'policy-')), 'policy.json')
  writeFileSync(policy, JSON.stringify({ organisation: { name: 'Contoso' }, security: { minTlsVersion: 'TLSv1.3' } }))
  const r = await roundTripViaApi(
    fw.w,
    { runId: `rt-floor-${p.inc.host}`, incoming: p.incoming, outgoing: p.outgoing },
    { MAIL_SETUP_POLICY: policy }
  )
  if (!r.ok) throw new Error(`the round trip was refused: ${r.error.code}`)
  return r.value
}

/** The same round trip without a floor (TLS 1.2 allowed), waiting briefly: shows the servers do downgrade. */
async function withoutFloor(p: Awaited<ReturnType<typeof pair>>): Promise<RoundTripResult> {
  return roundTrip(
    {
      address: USER,
      incoming: p.incoming,
      outgoing: p.outgoing,
      secret: { kind: 'password', password: PASSWORD },
      exceptions: []
    },
    { ...fw.w.ctx(), timing: FAST, onStage: () => undefined, waitMs: 1500 }
  )
}

describe('round trip under a TLS 1.3 floor', () => {
  it('the sending connection meets TLS 1.2: nothing is sent, no password crosses it', async () => {
    const p = await pair('send-floor', 'smtp')
    const r = await underPolicy(p)
    expect(r.ok).toBe(false)
    expect(r.diagnosis?.code).toBe('tls-failed')
    // The check's connection had TLS 1.3; the second one never finished its handshake.
    expect(p.out.connections).toBe(2)
    expect(p.out.handshakes).toEqual(['TLSv1.3'])
    expect(p.out.all()).not.toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'))
    expect(p.out.all()).not.toMatch(/^DATA/m)

    const contrast = await pair('send-open', 'smtp')
    await withoutFloor(contrast)
    expect(contrast.out.handshakes).toEqual(['TLSv1.3', 'TLSv1.2'])
    expect(contrast.out.all()).toMatch(/^DATA/m)
  })

  it('the reading connection meets TLS 1.2: it is refused after the message was sent over TLS 1.3', async () => {
    const p = await pair('read-floor', 'imap')
    const r = await underPolicy(p)
    expect(r.ok).toBe(false)
    expect(r.diagnosis?.code).toBe('tls-failed')
    expect(p.out.handshakes).toEqual(['TLSv1.3', 'TLSv1.3'])
    expect(p.inc.connections).toBe(2)
    expect(p.inc.handshakes).toEqual(['TLSv1.3'])
    expect(p.inc.all()).not.toContain(PASSWORD)

    const contrast = await pair('read-open', 'imap')
    await withoutFloor(contrast)
    expect(contrast.inc.handshakes).toEqual(['TLSv1.3', 'TLSv1.2'])
  })
})
