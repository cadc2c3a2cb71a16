// The composed test world itself: what a test adds is reachable by name through the world's
// DNS, trusted through the one test CA, served and logged by its web part, and gone once the
// world stops.
import { Resolver } from 'node:dns/promises'
import { existsSync } from 'node:fs'
import { request } from 'node:https'
import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { describe, expect, inject, it } from 'vitest'
import { startWorld } from './compose'
import { startWeb } from './web'
import { imapScript } from '../fakes/scripts'

const resolverOf = (server: string): Resolver => {
  const r = new Resolver({ timeout: 1000, tries: 1 })
  r.setServers([server])
  return r
}

/** The first line a TLS server sends to a client that trusts only `ca`, or the TLS error code. */
function greeting(host: string, port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host, port, servername, ca: [ca] })
    s.once('data', (d: Buffer) => (s.destroy(), resolve(d.toString().trim())))
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })
}

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port })
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'))
  })
}

function get(ip: string, host: string, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, servername: host, headers: { host }, path, ca: [ca] }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('a composed world', () => {
  it('names its fakes in its own DNS, signs them with the test CA, and takes them down when it stops', async () => {
    const bench = inject('bench')
    const w = await startWorld(bench)
    const name = 'imap.compose.test'
    const fake = await w.fake(name, {
      port: 993,
      tls: await w.cert([name]),
      handler: imapScript({ greeting: '* OK composed', caps: 'IMAP4rev1' })
    })
    const dns = resolverOf(w.dns.server)
    expect(await dns.resolve4(name)).toEqual([fake.host])
    // Trusted through the bench's CA, the one CA of the run; a certificate for another name is not.
    expect(w.ca.certPem).toBe(bench.ca.certPem)
    expect(await greeting(fake.host, 993, name, w.ca.certPem)).toBe('* OK composed')
    expect(await greeting(fake.host, 993, 'other.compose.test', w.ca.certPem)).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    // The app's environment points at this world, with no password in it.
    expect(w.env.MAIL_SETUP_DNS).toBe(w.dns.server)
    expect(w.env.MAIL_SETUP_EXTRA_CA).toBe(bench.env.MAIL_SETUP_EXTRA_CA)
    expect(w.env.MAIL_SETUP_PASSWORD).toBeUndefined()

    await w.stop()
    expect(await refused(fake.host, 993)).toBe(true)
    await expect(dns.resolve4(name)).rejects.toBeDefined()
    expect(existsSync(w.dir)).toBe(false)
  })

  it('serves and logs web routes per scheme, host and path; a closed web part forgets its names', async () => {
    const w = await startWorld(inject('bench'))
    try {
      const host = 'autoconfig.web.compose.test'
      const web = await startWeb(w, ['web.compose.test'])
      web.host(host)
      web.serve('https', host, '/mail/config-v1.1.xml', { status: 200, type: 'text/xml', body: '<clientConfig/>' })
      const dns = resolverOf(w.dns.server)
      expect(await dns.resolve4(host)).toEqual([web.ip])
      expect(await get(web.ip, host, '/mail/config-v1.1.xml?emailaddress=a%40web.compose.test', w.ca.certPem)).toEqual({
        status: 200,
        body: '<clientConfig/>'
      })
      expect((await get(web.ip, host, '/elsewhere', w.ca.certPem)).status).toBe(404)
      expect(web.log.map((l) => `${l.scheme} ${l.method} ${l.host}${l.url}`)).toEqual([
        `https GET ${host}/mail/config-v1.1.xml?emailaddress=a%40web.compose.test`,
        `https GET ${host}/elsewhere`
      ])
      await web.close()
      await expect(dns.resolve4(host)).rejects.toBeDefined()
      expect(await refused(web.ip, 443)).toBe(true)
    } finally {
      await w.stop()
    }
  })
})
