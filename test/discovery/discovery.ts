// Discovery tests on the test world (test/world/compose.ts): its DNS with each test's zone, its
// web servers (test/world/web.ts) for every test domain, a local autoconfig folder, and a way to
// run discovery as the app does against all of it.
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'
import { startWorld } from '../world/compose'
import type { DnsServer } from '../world'
import { startWeb, type Web } from '../world/web'
import { loadConfig, type Config } from '../../src/main/config'
import { createDns, type Dns } from '../../src/main/net/dns'
import { discover, type DiscoveryOptions } from '../../src/main/discovery'
import type { Candidate, DiscoveryResult, SourceReport } from '../../src/shared/domain'

export { xmlReply, type Logged, type Reply, type Route } from '../world/web'

export const REPO = resolve(import.meta.dirname, '..', '..')

export interface DiscoveryWorld extends Web {
  dns: DnsServer
  ispDir: string
  config: Config
  appDns: Dns
  ca: string[]
  run(address: string, opts?: Partial<DiscoveryOptions>): Promise<Run>
  stop(): Promise<void>
}

export interface Run {
  result: DiscoveryResult
  reports: SourceReport[]
  candidates: Candidate[]
  report(source: SourceReport['source']): SourceReport | undefined
}

export async function discoveryWorld(domains: string[]): Promise<DiscoveryWorld> {
  const world = await startWorld(inject('bench'))
  const web = await startWeb(world, domains)
  const ispDir = join(world.dir, 'isp')
  await mkdir(ispDir)
  const config = loadConfig(
    {},
    {
      dnsServers: [world.dns.server],
      ispDirs: [ispDir],
      ispdbBaseUrl: 'https://ispdb.world.example/v1.1/',
      resourcesDir: join(REPO, 'resources'),
      offline: false
    }
  )
  const appDns = createDns(config)
  web.host('ispdb.world.example')
  const ca = [world.ca.certPem]
  return {
    ...web,
    dns: world.dns,
    ispDir,
    config,
    appDns,
    ca,
    async run(address, opts = {}) {
      const reports: SourceReport[] = []
      const candidates: Candidate[] = []
      const result = await discover(address, {
        config,
        dns: appDns,
        ca,
        signal: new AbortController().signal,
        deadlineMs: 4000,
        offline: false,
        onReport: (r) => reports.push(r),
        onCandidate: (c) => candidates.push(c),
        ...opts
      })
      return { result, reports, candidates, report: (s) => result.sources.find((r) => r.source === s) }
    },
    stop: () => world.stop()
  }
}

/** A minimal config-v1.1 document. */
export function autoconfigXml(opts: {
  id?: string
  domain: string
  imap?: string
  smtp?: string
  pop?: string
  username?: string
  extra?: string
}): string {
  const user = opts.username ?? '%EMAILADDRESS%'
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${opts.id ?? opts.domain}">
    <domain>${opts.domain}</domain>
    <displayName>${opts.id ?? opts.domain}</displayName>
    ${opts.imap ? `<incomingServer type="imap"><hostname>${opts.imap}</hostname><port>993</port><socketType>SSL</socketType><username>${user}</username><authentication>password-cleartext</authentication></incomingServer>` : ''}
    ${opts.pop ? `<incomingServer type="pop3"><hostname>${opts.pop}</hostname><port>995</port><socketType>SSL</socketType><username>${user}</username><authentication>password-cleartext</authentication></incomingServer>` : ''}
    ${opts.smtp ? `<outgoingServer type="smtp"><hostname>${opts.smtp}</hostname><port>587</port><socketType>STARTTLS</socketType><username>${user}</username><authentication>password-cleartext</authentication></outgoingServer>` : ''}
    ${opts.extra ?? ''}
  </emailProvider>
</clientConfig>`
}

export function autodiscoverXml(protocols: Array<Record<string, string>>): string {
  const p = protocols
    .map(
      (x) =>
        `<Protocol>${Object.entries(x)
          .map(([k, v]) => `<${k}>${v}</${k}>`)
          .join('')}</Protocol>`
    )
    .join('')
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>${p}</Account>
  </Response>
</Autodiscover>`
}

export async function writeLocal(world: DiscoveryWorld, domain: string, xml: string): Promise<void> {
  await writeFile(join(world.ispDir, `${domain}.xml`), xml)
}

/** Serves a PACC document for `domain` and publishes its digest (or `digest`) at _ua-auto-config. */
export function publishPacc(
  world: DiscoveryWorld,
  domain: string,
  doc: unknown,
  opts: { txt?: Array<string | string[]> } = {}
): Buffer {
  const body = Buffer.from(JSON.stringify(doc, null, 2))
  const d = createHash('sha256').update(body).digest('base64')
  world.host(`ua-auto-config.${domain}`)
  world.serve('https', `ua-auto-config.${domain}`, '/.well-known/user-agent-configuration.json', {
    status: 200,
    type: 'application/json',
    body
  })
  world.dns.set(`_ua-auto-config.${domain}`, 'TXT', opts.txt ?? [`v=UAAC1; a=sha256; d=${d}`])
  return body
}
