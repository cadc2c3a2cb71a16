// Shared DNS answers against a real DNS server on loopback: the questions the server saw are
// the evidence. One question per name at a time; A/AAAA kept for their TTL and asked again
// after it; within a run every answer, found or not, asked once; a run's end or the last
// waiter's cancel lets a question go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDnsServer, type DnsServer } from '../world'
import { createDns, runDns } from '../../src/main/net/dns'

let ttl0: DnsServer
let ttl1: DnsServer

beforeAll(async () => {
  const zone = {
    'mail.dns.test': { A: ['127.0.0.9'] },
    'dns.test': { MX: [{ exchange: 'mail.dns.test', priority: 10 }] }
  }
  ttl0 = await startDnsServer(zone, { port: 0 })
  ttl1 = await startDnsServer(zone, { port: 0, ttl: 1 })
})
afterAll(async () => {
  await ttl0?.stop()
  await ttl1?.stop()
})

const asked = (server: DnsServer, q: string): number => server.queries.filter((x) => x === q).length

describe('createDns', () => {
  it('asks a name once while the question is out, whoever asks', async () => {
    const dns = createDns({ dnsServers: [ttl0.server] })
    const before = asked(ttl0, 'mail.dns.test A')
    const answers = await Promise.all([1, 2, 3].map(() => dns.lookupAll('mail.dns.test', new AbortController().signal)))
    expect(answers.map((a) => a.map((x) => x.address))).toEqual([['127.0.0.9'], ['127.0.0.9'], ['127.0.0.9']])
    expect(asked(ttl0, 'mail.dns.test A') - before).toBe(1)
  })

  it('keeps an A answer for its TTL, then asks again; a TTL of 0 is never kept', async () => {
    const kept = createDns({ dnsServers: [ttl1.server] })
    const n = asked(ttl1, 'mail.dns.test A')
    await kept.resolve4('mail.dns.test')
    await kept.resolve4('mail.dns.test')
    expect(asked(ttl1, 'mail.dns.test A') - n).toBe(1)
    await new Promise((r) => setTimeout(r, 1100))
    await kept.resolve4('mail.dns.test')
    expect(asked(ttl1, 'mail.dns.test A') - n).toBe(2)

    const notKept = createDns({ dnsServers: [ttl0.server] })
    const m = asked(ttl0, 'mail.dns.test A')
    await notKept.resolve4('mail.dns.test')
    await notKept.resolve4('mail.dns.test')
    expect(asked(ttl0, 'mail.dns.test A') - m).toBe(2)
  })

  it('does not keep a not-found answer beyond its question (its TTL is unknown)', async () => {
    const dns = createDns({ dnsServers: [ttl0.server] })
    const n = asked(ttl0, 'missing.dns.test A')
    await expect(dns.resolve4('missing.dns.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    await expect(dns.resolve4('missing.dns.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    expect(asked(ttl0, 'missing.dns.test A') - n).toBe(2)
  })

  it('a waiter that gives up does not cancel the question for the others', async () => {
    ttl0.fault('slow.dns.test', 'silent')
    const dns = createDns({ dnsServers: [ttl0.server] }, 300)
    const quitter = new AbortController()
    const a = dns.resolve4('slow.dns.test', quitter.signal)
    const b = dns.resolve4('slow.dns.test', new AbortController().signal)
    quitter.abort()
    await expect(a).rejects.toMatchObject({ name: 'AbortError' })
    // b still gets the question's own outcome (a timeout), not the other caller's cancel.
    await expect(b).rejects.toMatchObject({ code: 'ETIMEOUT' })
    ttl0.fault('slow.dns.test', null)
  })
})

describe('runDns', () => {
  it('within a run asks every name once, found or not, and MX too', async () => {
    const app = createDns({ dnsServers: [ttl0.server] })
    const ac = new AbortController()
    const { dns, end } = runDns(app, ac.signal)
    const q = ['mail.dns.test A', 'mail.dns.test AAAA', 'nothing.dns.test A', 'dns.test MX'].map((x) => asked(ttl0, x))
    for (let i = 0; i < 3; i++) {
      await dns.lookupAll('mail.dns.test')
      await expect(dns.lookupAll('nothing.dns.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
      expect(await dns.resolveMx('dns.test')).toEqual([{ exchange: 'mail.dns.test', priority: 10 }])
    }
    end()
    expect(
      ['mail.dns.test A', 'mail.dns.test AAAA', 'nothing.dns.test A', 'dns.test MX'].map(
        (x, i) => asked(ttl0, x) - q[i]!
      )
    ).toEqual([1, 1, 1, 1])
    // A new run asks again (TTL 0).
    await runDns(app, ac.signal).dns.lookupAll('mail.dns.test')
    expect(asked(ttl0, 'mail.dns.test A') - q[0]!).toBe(2)
  })
})
