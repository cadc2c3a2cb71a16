// The domain check against a small internet of its own: the real DNS server, HTTP(S) servers
// with the bench CA, the bench's real Dovecot as the mail server, and a host where nothing
// listens. Then the publish loop: the generated files are served for real and re-checked.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocLoopback } from '../world'
import { autoconfigXml, discoveryWorld, xmlReply, type DiscoveryWorld as World } from '../discovery/discovery'
import { cliProcess } from '../cli/process'
import { domainCheck } from '../../src/main/domain'
import type { ServerSettings } from '../../src/shared/domain'

const bench = inject('bench')
const MAIL = bench.mailHost
let world: World

const check = (domain: string, servers?: ServerSettings[]) =>
  domainCheck(
    { runId: 't', domain, servers, username: 'address' },
    { config: world.config, dns: world.appDns, ca: world.ca, signal: new AbortController().signal, deadlineMs: 3000 }
  )

const server = (
  protocol: ServerSettings['protocol'],
  port: number,
  security: ServerSettings['security']
): ServerSettings => ({
  protocol,
  host: MAIL,
  port,
  security,
  username: '%EMAILADDRESS%',
  auth: ['password-cleartext']
})

beforeAll(async () => {
  world = await discoveryWorld(['broken.test', 'good.test'])
  world.dns.set(MAIL, 'A', [bench.hosts[MAIL]!])
})
afterAll(() => world?.stop())

describe('domain check', () => {
  it('finds what is wrong with a publication: HTTP only, a broken placeholder, a port that does not fit, disagreeing sources, a dead host', async () => {
    const dead = allocLoopback()
    world.host('autoconfig.broken.test')
    world.dns.set('imap.broken.test', 'A', [dead])
    world.dns.set('_imaps._tcp.broken.test', 'SRV', [{ target: 'imap.broken.test', port: 993 }])
    const extra = `<incomingServer type="imap"><hostname>${MAIL}</hostname><port>143</port><socketType>SSL</socketType><username>%EMAILADDRESS</username><authentication>password-cleartext</authentication></incomingServer>`
    world.serve(
      'http',
      'autoconfig.broken.test',
      '/mail/config-v1.1.xml',
      xmlReply(autoconfigXml({ domain: 'broken.test', imap: MAIL, smtp: MAIL, extra }))
    )

    const { health } = await check('broken.test')
    const codes = health.findings.map((f) => f.code)
    expect(codes).toEqual(
      expect.arrayContaining([
        'autoconfig-http-only',
        'autoconfig-placeholder',
        'socket-port-mismatch',
        'sources-disagree',
        'host-not-answering'
      ])
    )
    expect(codes).not.toContain('nothing-published')
    expect(health.findings.find((f) => f.code === 'autoconfig-placeholder')?.subject).toMatch(
      /config-v1\.1\.xml\?\S+: %EMAILADDRESS$/
    )
    expect(health.findings.find((f) => f.code === 'socket-port-mismatch')?.subject).toBe(`imap ${MAIL}:143 tls`)
    expect(health.findings.find((f) => f.code === 'host-not-answering')?.subject).toContain('imap.broken.test:993')
    // Both URLs of each scheme are reported on their own.
    expect(health.published.map((p) => [p.url.split('?')[0], p.state])).toEqual([
      ['https://autoconfig.broken.test/mail/config-v1.1.xml', 'nothing'],
      ['https://broken.test/.well-known/autoconfig/mail/config-v1.1.xml', expect.any(String)],
      ['http://autoconfig.broken.test/mail/config-v1.1.xml', 'found'],
      ['http://broken.test/.well-known/autoconfig/mail/config-v1.1.xml', expect.any(String)]
    ])
    // The real Dovecot answers on 993 with a certificate the bench CA vouches for.
    const imaps = health.hosts.find((h) => h.host === MAIL && h.port === 993)!
    expect(imaps).toMatchObject({ answers: true, security: 'tls', namedBy: ['autoconfig-http'] })
    expect(imaps.certificate).toMatchObject({ chainTrusted: true, hostMatches: true })
    expect(imaps.certificate!.daysLeft).toBeGreaterThan(0)
    expect(health.hosts.find((h) => h.host === 'imap.broken.test')).toMatchObject({
      answers: false,
      namedBy: expect.arrayContaining(['srv'])
    })
    expect(codes.filter((c) => c.startsWith('cert-'))).toEqual([])
  })

  it('says so when a domain publishes nothing at all', async () => {
    const { health } = await check('nothing-here.test')
    expect(health.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['nothing-published', 'no-srv']))
    expect(health.hosts).toEqual([])
  })

  it('generates what to publish, and the re-check sees it live once it is served', async () => {
    const confirmed = [server('imap', 993, 'tls'), server('smtp', 587, 'starttls')]
    const before = await check('good.test', confirmed)
    expect(before.recheck?.map((r) => r.state)).toEqual(['missing', 'missing', 'missing'])
    const files = before.publish!

    // The zone lines are what a DNS server loads: BIND's own checker accepts them.
    const dir = mkdtempSync(join(tmpdir(), 'domain-publish-'))
    const zone = join(dir, 'good.test.zone')
    writeFileSync(
      zone,
      `$TTL 3600\ngood.test. IN SOA ns.good.test. admin.good.test. 1 3600 600 86400 60\ngood.test. IN NS ns.good.test.\nns.good.test. IN A 127.0.0.1\n${MAIL}. IN A 127.0.0.1\n${files['srv.zone']}`
    )
    expect(execFileSync('named-checkzone', ['-i', 'none', 'good.test', zone], { encoding: 'utf8' })).toMatch(/OK/)
    expect(files['srv.zone']).toContain(`_imaps._tcp.good.test. 3600 IN SRV 0 1 993 ${MAIL}.`)
    expect(files['srv.zone']).toContain('_pop3s._tcp.good.test. 3600 IN SRV 0 0 0 .')
    execFileSync('xmllint', ['--noout', '-'], { input: files['autodiscover.xml'] })
    expect(files['autodiscover.xml']).not.toContain('<LoginName>')

    // Serve them: the autoconfig file over HTTPS, the SRV records in DNS.
    world.host('autoconfig.good.test')
    world.serve('https', 'autoconfig.good.test', '/mail/config-v1.1.xml', xmlReply(files['config-v1.1.xml']))
    for (const line of files['srv.zone'].split('\n').filter((l) => l.includes(' SRV ') && !l.endsWith(' .'))) {
      const [name, , , , , , port, target] = line.split(/\s+/)
      world.dns.set(name!.replace(/\.$/, ''), 'SRV', [{ target: target!.replace(/\.$/, ''), port: Number(port) }])
    }
    const after = await check('good.test', confirmed)
    expect(after.recheck).toEqual([
      { source: 'autoconfig-https', state: 'matches', missing: [], extra: [] },
      { source: 'srv', state: 'matches', missing: [], extra: [] },
      { source: 'autodiscover', state: 'missing', missing: expect.any(Array), extra: [] }
    ])
    expect(after.health.findings.filter((f) => f.level === 'error')).toEqual([])
  })

  describe('from the command line', () => {
    let env: NodeJS.ProcessEnv
    let out: string
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), 'domain-cli-'))
      env = {
        ...process.env,
        MAIL_SETUP_DNS: world.dns.server,
        MAIL_SETUP_EXTRA_CA: bench.ca.file,
        MAIL_SETUP_DEADLINE_MS: '3000',
        MAIL_SETUP_USER_DATA: out
      }
    })

    it('prints the findings in words and exits 3 while something is wrong', async () => {
      const broken = await cliProcess(['domain', 'broken.test'], { env })
      expect(broken.code).toBe(3)
      expect(broken.stdout).toContain('The autoconfig file is published over plain HTTP only')
      expect(broken.stdout).toContain('Serve it over HTTPS as well')
      // The mail host's one certificate is printed once, the servers that show it under it.
      const lines = broken.stdout.split('\n')
      const certs = lines.filter((l) => l.startsWith('  Certificate '))
      expect(certs).toHaveLength(1)
      expect(certs[0]).toContain(MAIL)
      expect(certs[0]).toMatch(/names every server below; SHA-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
      const groupOf = (start: string): string[] => {
        const at = lines.indexOf(start)
        const end = lines.findIndex((l, i) => i > at && !l.startsWith('    '))
        return lines.slice(at + 1, end)
      }
      expect(groupOf(certs[0]!).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual(
        expect.arrayContaining([`IMAP ${MAIL}:993`, `SMTP ${MAIL}:587`])
      )
      expect(groupOf('  No certificate seen (no answer, or no encryption):').join('\n')).toContain(
        'imap.broken.test:993'
      )
    })

    it('writes the files for the confirmed servers and re-checks them', async () => {
      const good = await cliProcess(
        [
          'domain',
          'good.test',
          '--server',
          `imaps://${MAIL}:993`,
          '--server',
          `smtp://${MAIL}:587`,
          '--publish',
          out,
          '--recheck',
          '--json'
        ],
        { env }
      )
      const doc = JSON.parse(good.stdout)
      expect(doc.result.recheck.map((r: { state: string }) => r.state)).toEqual(['matches', 'matches', 'missing'])
      expect(good.code).toBe(3)
      expect(readFileSync(join(out, 'config-v1.1.xml'), 'utf8')).toContain(`<hostname>${MAIL}</hostname>`)
    })

    it('refuses --publish without confirmed servers, and an address for a domain', async () => {
      expect((await cliProcess(['domain', 'good.test', '--publish', out], { env })).code).toBe(2)
      expect((await cliProcess(['domain', 'a@good.test'], { env })).code).toBe(2)
    })
  })
})
