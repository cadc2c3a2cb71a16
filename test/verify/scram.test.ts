// SCRAM-SHA-256 against servers no real implementation imitates (real socket servers on
// loopback with the bench CA): one that cannot prove it knows the password, one whose
// challenge is too weak. The client stops the exchange and says why; the real-server side is
// in test/discovery/autoconfig-1.2.test.ts (Dovecot offering only SCRAM-SHA-256).
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { verify } from '../../src/main/verify'
import type { ServerSettings } from '../../src/shared/domain'
import { type FakeConn } from '../fakes/server'
import { PASSWORD, USER, fakeWorld } from './helpers'

const fw = fakeWorld()
const fake = fw.fake

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8')

/** An SMTP server offering only SCRAM-SHA-256, answering the client's proof with `final`. */
function scramSmtp(opts: { iterations: number; final: () => string; said: string[] }) {
  return async (c: FakeConn): Promise<void> => {
    c.send('220 scram.fake.test ESMTP\r\n')
    for (let l = await c.line(); l !== undefined; l = await c.line()) {
      opts.said.push(l)
      const [cmd, mech, initial] = l.split(' ')
      if (/^EHLO$/i.test(cmd ?? '')) c.send('250-scram.fake.test\r\n250 AUTH SCRAM-SHA-256\r\n')
      else if (/^AUTH$/i.test(cmd ?? '') && mech === 'SCRAM-SHA-256') {
        const nonce = /r=([^,]+)/.exec(unb64(initial ?? ''))?.[1] ?? ''
        c.send(`334 ${b64(`r=${nonce}srv,s=${randomBytes(16).toString('base64')},i=${opts.iterations}`)}\r\n`)
        const proof = (await c.line()) ?? ''
        opts.said.push(proof)
        if (proof === '*') c.send('501 5.7.0 Authentication aborted\r\n')
        else {
          c.send(`334 ${b64(opts.final())}\r\n`)
          const answer = (await c.line()) ?? ''
          opts.said.push(answer)
          c.send(answer === '*' ? '501 5.7.0 Authentication aborted\r\n' : '235 2.7.0 Authentication successful\r\n')
        }
      } else if (/^QUIT$/i.test(cmd ?? '')) return c.close()
      else c.send('502 5.5.2 not implemented\r\n')
    }
  }
}

async function probe(name: string, handler: ReturnType<typeof scramSmtp>) {
  await fake(name, { port: 465, tls: await fw.w.cert([name]), handler })
  const s: ServerSettings = {
    protocol: 'smtp',
    host: name,
    port: 465,
    security: 'tls',
    username: USER,
    auth: ['scram-sha-256']
  }
  return verify(
    { address: USER, incoming: [], outgoing: [s], secret: { kind: 'password', password: PASSWORD }, exceptions: [] },
    fw.w.ctx()
  )
}

describe('SCRAM-SHA-256 with a server that does not play by the rules', () => {
  it('refuses success from a server whose signature is wrong (it does not know the password)', async () => {
    const said: string[] = []
    const r = await probe(
      'impostor.fake.test',
      scramSmtp({ iterations: 4096, final: () => `v=${randomBytes(32).toString('base64')}`, said })
    )
    expect(r.outgoing?.state ?? r.probes[0]?.state).toBe('failed')
    expect(r.probes[0]?.diagnosis).toMatchObject({
      code: 'protocol-error',
      detail: expect.stringContaining('signature is wrong')
    })
    // The client stopped the exchange instead of accepting the 235.
    expect(said).toContain('*')
    expect(said.join('\n')).not.toContain(PASSWORD)
  })

  it('stops before answering a challenge with too few iterations', async () => {
    const said: string[] = []
    const r = await probe('weak.fake.test', scramSmtp({ iterations: 1, final: () => 'v=x', said }))
    expect(r.probes[0]?.diagnosis).toMatchObject({
      code: 'protocol-error',
      detail: expect.stringContaining('iteration count')
    })
    expect(said.filter((l) => l.startsWith('Yz1iaXdz'))).toEqual([]) // no client-final ("c=biws…") was sent
    expect(said).toContain('*')
  })
})
