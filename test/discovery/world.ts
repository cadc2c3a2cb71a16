// A small internet for discovery tests: the bench's real DNS server with our own zone, one
// HTTPS (443) and one HTTP (80) server on a fresh loopback address with a bench-CA
// certificate for every test domain, and a silent host that accepts and never answers.
// Every request is logged (method, URL, headers, body) so tests can assert what was sent.
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'
import { allocLoopback, benchCa, startDnsServer, type DnsServer } from '../world'
import { loadConfig, type Config } from '../../src/main/config'
import { createDns, type Dns } from '../../src/main/net/dns'
import { discover, type DiscoveryOptions } from '../../src/main/discovery'
import type { Candidate, DiscoveryResult, SourceReport } from '../../src/shared/domain'

export const REPO = resolve(import.meta.dirname, '..', '..')

export interface Logged {
  scheme: 'http' | 'https'
  method: string
  host: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

export interface Reply {
  status?: number
  type?: string
  body?: string | Buffer
  headers?: Record<string, string>
}

/** Answers one request; undefined means 404. */
export type Route = (req: Logged) => Reply | undefined | Promise<Reply | undefined>

export interface World {
  dns: DnsServer
  ip: string
  silentIp: string
  /** Host (lower case, no port) + path without query → route, per scheme. */
  https: Map<string, Route>
  http: Map<string, Route>
  log: Logged[]
  ispDir: string
  config: Config
  appDns: Dns
  ca: string[]
  /** Points names at the world's web server (A records). */
  host(...names: string[]): void
  /** Points names at the silent host. */
  silent(...names: string[]): void
  serve(scheme: 'http' | 'https', host: string, path: string, route: Route | Reply): void
  run(address: string, opts?: Partial<DiscoveryOptions>): Promise<Run>
  stop(): Promise<void>
}

export interface Run {
  result: DiscoveryResult
  reports: SourceReport[]
  candidates: Candidate[]
  report(source: SourceReport['source']): SourceReport | undefined
}

export const xmlReply = (body: string, type = 'text/xml'): Reply => ({ status: 200, type, body })

export async function startWorld(domains: string[]): Promise<World> {
  const bench = inject('bench')
  const ca = await benchCa(bench)
  const names = domains.flatMap((d) => [d, `*.${d}`])
  const cert = await ca.issueCert(names)
  const ip = allocLoopback()
  const silentIp = allocLoopback()
  const dns = await startDnsServer({})
  const log: Logged[] = []
  const routes = { https: new Map<string, Route>(), http: new Map<string, Route>() }

  const handler =
    (scheme: 'http' | 'https') =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', async () => {
        const host = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
        const entry: Logged = { scheme, method: req.method ?? 'GET', host, url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
        log.push(entry)
        const path = (req.url ?? '/').split('?')[0]!
        const route = routes[scheme].get(`${host}${path}`)
        const reply = route ? await route(entry) : undefined
        if (!reply) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
          return
        }
        const body = reply.body ?? ''
        res.writeHead(reply.status ?? 200, { ...(reply.type ? { 'content-type': reply.type } : {}), ...reply.headers })
        res.end(body)
      })
    }

  const httpsServer = https.createServer({ cert: cert.certPem, key: cert.keyPem }, handler('https'))
  const httpServer = http.createServer(handler('http'))
  const hung = new Set<net.Socket>()
  const silentServers = [443, 80].map(() => net.createServer((s) => hung.add(s.on('error', () => undefined))))
  await Promise.all([
    new Promise<void>((r) => httpsServer.listen(443, ip, r)),
    new Promise<void>((r) => httpServer.listen(80, ip, r)),
    ...silentServers.map((s, i) => new Promise<void>((r) => s.listen(i === 0 ? 443 : 80, silentIp, r)))
  ])

  const ispDir = await mkdtemp(join(tmpdir(), 'discovery-isp-'))
  const config = loadConfig(
    {},
    {
      dnsServers: [dns.server],
      ispDirs: [ispDir],
      ispdbBaseUrl: 'https://ispdb.world.example/v1.1/',
      resourcesDir: join(REPO, 'resources'),
      offline: false
    }
  )
  const appDns = createDns(config)
  dns.set('ispdb.world.example', 'A', [ip])

  const world: World = {
    dns,
    ip,
    silentIp,
    https: routes.https,
    http: routes.http,
    log,
    ispDir,
    config,
    appDns,
    ca: [ca.certPem],
    host: (...n) => n.forEach((x) => dns.set(x, 'A', [ip])),
    silent: (...n) => n.forEach((x) => dns.set(x, 'A', [silentIp])),
    serve(scheme, host, path, route) {
      routes[scheme].set(`${host}${path}`, typeof route === 'function' ? route : () => route)
    },
    async run(address, opts = {}) {
      const reports: SourceReport[] = []
      const candidates: Candidate[] = []
      const result = await discover(address, {
        config,
        dns: appDns,
        ca: [ca.certPem],
        signal: new AbortController().signal,
        deadlineMs: 4000,
        offline: false,
        onReport: (r) => reports.push(r),
        onCandidate: (c) => candidates.push(c),
        ...opts
      })
      return { result, reports, candidates, report: (s) => result.sources.find((r) => r.source === s) }
    },
    async stop() {
      for (const s of hung) s.destroy()
      await Promise.all([
        new Promise((r) => httpsServer.close(r)),
        new Promise((r) => httpServer.close(r)),
        ...silentServers.map((s) => new Promise((r) => s.close(r)))
      ])
      httpsServer.closeAllConnections()
      httpServer.closeAllConnections()
      await dns.stop()
      await rm(ispDir, { recursive: true, force: true })
    }
  }
  return world
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
  const p = protocols.map((x) => `<Protocol>${Object.entries(x).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Protocol>`).join('')
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>${p}</Account>
  </Response>
</Autodiscover>`
}

export async function writeLocal(world: World, domain: string, xml: string): Promise<void> {
  await writeFile(join(world.ispDir, `${domain}.xml`), xml)
}

/** Serves a PACC document for `domain` and publishes its digest (or `digest`) at _ua-auto-config. */
export function publishPacc(world: World, domain: string, doc: unknown, opts: { txt?: Array<string | string[]> } = {}): Buffer {
  const body = Buffer.from(JSON.stringify(doc, null, 2))
  const d = createHash('sha256').update(body).digest('base64')
  world.host(`ua-auto-config.${domain}`)
  world.serve('https', `ua-auto-config.${domain}`, '/.well-known/user-agent-configuration.json', { status: 200, type: 'application/json', body })
  world.dns.set(`_ua-auto-config.${domain}`, 'TXT', opts.txt ?? [`v=UAAC1; a=sha256; d=${d}`])
  return body
}
