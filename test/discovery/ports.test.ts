// One port rule (src/shared/ports.ts): every reader agrees with it, and no other file in src/
// spells a mail port or an SRV service name.
import { describe, expect, it } from 'vitest'
import { sourceLines } from '../diagnosis/source-lines'
import { defaultPort, PORT_RULES, portsToTry, securityForPort, SMTP_RELAY_PORT } from '../../src/shared/ports'
import { parseServerUrl } from '../../src/main/cli/args'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { srvZone } from '../../src/main/domain/publish'
import { findingsFor } from '../../src/main/domain/findings'
import type { Candidate, ServerSettings } from '../../src/shared/domain'

const autoconfig = (protocol: string, socket: string | undefined, port?: number): string => `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain>
<${protocol === 'smtp' ? 'outgoingServer' : 'incomingServer'} type="${protocol}"><hostname>mail.example.test</hostname>
${port ? `<port>${port}</port>` : ''}${socket ? `<socketType>${socket}</socketType>` : ''}<username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication></${protocol === 'smtp' ? 'outgoingServer' : 'incomingServer'}>
</emailProvider></clientConfig>`

describe('the port rule', () => {
  it('says the RFC 8314 / RFC 6186 ports and names', () => {
    expect(PORT_RULES.map((r) => `${r.scheme} ${r.port} ${r.security} ${r.srv}`)).toEqual([
      'imaps 993 tls _imaps._tcp',
      'imap 143 starttls _imap._tcp',
      'pop3s 995 tls _pop3s._tcp',
      'pop3 110 starttls _pop3._tcp',
      'smtps 465 tls _submissions._tcp',
      'smtp 587 starttls _submission._tcp'
    ])
    expect(defaultPort('imap', 'plain')).toBe(143)
    expect(securityForPort(SMTP_RELAY_PORT)).toBe('starttls')
    expect(securityForPort(2525)).toBeUndefined()
    expect(portsToTry('smtp')).toEqual([
      [465, 'tls'],
      [587, 'starttls'],
      [25, 'starttls']
    ])
  })

  it.each(PORT_RULES)(
    'the CLI URL, an autoconfig file without a port, the SRV zone and the domain check follow $scheme',
    (rule) => {
      const role = rule.protocol === 'smtp' ? 'outgoing' : 'incoming'
      expect(parseServerUrl(`${rule.scheme}://mail.example.test`, 'a@example.test', role)).toMatchObject({
        protocol: rule.protocol,
        port: rule.port,
        security: rule.security
      })
      const file = parseAutoconfig(
        autoconfig(rule.protocol, rule.security === 'tls' ? 'SSL' : 'STARTTLS'),
        'a@example.test'
      )
      expect([...file.incoming, ...file.outgoing][0]).toMatchObject({ port: rule.port, security: rule.security })
      // A port without socketType is TLS exactly where the rule says so.
      const bare = parseAutoconfig(autoconfig(rule.protocol, undefined, rule.port), 'a@example.test')
      expect([...bare.incoming, ...bare.outgoing][0]?.security).toBe(rule.security === 'tls' ? 'tls' : 'plain')
      const server: ServerSettings = {
        protocol: rule.protocol,
        host: 'mail.example.test',
        port: rule.port,
        security: rule.security,
        username: 'a',
        auth: ['password-cleartext']
      }
      expect(srvZone('example.test', [server])).toContain(
        `${rule.srv}.example.test. 3600 IN SRV 0 1 ${rule.port} mail.example.test.`
      )
      const other = rule.security === 'tls' ? 'starttls' : 'tls'
      const candidate = {
        id: 'c',
        score: 1,
        source: 'srv',
        trust: { level: 'trusted', reason: 'srv-in-domain' },
        incoming: [],
        outgoing: []
      } as unknown as Candidate
      const findings = (s: ServerSettings) =>
        findingsFor({ sources: [], files: [], hosts: [], candidates: [{ ...candidate, [role]: [s] }] }).map(
          (f) => f.code
        )
      expect(findings(server)).not.toContain('socket-port-mismatch')
      expect(findings({ ...server, security: other })).toContain('socket-port-mismatch')
    }
  )

  it('no file in src/ outside shared/ports.ts spells a mail port or an SRV service in code', () => {
    const hits = sourceLines()
      .filter((l) => l.file !== 'src/shared/ports.ts')
      .filter((l) => {
        // Comments, usage text and examples in strings (imaps://host:993) are words, not rules.
        const code = l.text.replace(/\/\/.*$|^\s*\*.*$|\/\*.*?\*\//g, '').replace(/(['`"])(?:\\.|(?!\1).)*\1/g, '""')
        return /(?<![\w.])(993|995|465|587|143|110|25)(?![\w.])|_(imaps?|pop3s?|submissions?)\._tcp/.test(code)
      })
      .map((l) => `${l.file}:${l.line}: ${l.text.trim()}`)
    expect(hits).toEqual([])
  })
})
