// Web hosts in a test world: one HTTPS (443, a test-CA certificate for every name it serves) and
// one HTTP (80) server on a fresh loopback address, answering routes a test sets per scheme, host
// and path, and logging every request (method, URL, headers, body) so a test can assert what was
// sent; beside them a host that accepts on both ports and never answers. Autoconfig files,
// Autodiscover, PACC and OAuth metadata are served from here.
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { allocLoopback } from './addresses'
import type { World } from './compose'

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

export interface Web {
  ip: string
  silentIp: string
  /** Host (lower case, no port) + path without query → route, per scheme. */
  https: Map<string, Route>
  http: Map<string, Route>
  log: Logged[]
  /** Points names at the web servers. */
  host(...names: string[]): void
  /** Points names at the host that never answers. */
  silent(...names: string[]): void
  serve(scheme: 'http' | 'https', host: string, path: string, route: Route | Reply): void
  /** Stops the servers and forgets the names pointed at them, before the world stops. */
  close(): Promise<void>
}

export const xmlReply = (body: string, type = 'text/xml'): Reply => ({ status: 200, type, body })

/** Web servers for `domains` (each and its subdomains), stopped with the world. */
export async function startWeb(world: World, domains: string[]): Promise<Web> {
  const cert = await world.cert(domains.flatMap((d) => [d, `*.${d}`]))
  const ip = allocLoopback()
  const silentIp = allocLoopback()
  const log: Logged[] = []
  const routes = { https: new Map<string, Route>(), http: new Map<string, Route>() }

  const handler =
    (scheme: 'http' | 'https') =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', async () => {
        const host = String(req.headers.host ?? '')
          .replace(/:\d+$/, '')
          .toLowerCase()
        const entry: Logged = {
          scheme,
          method: req.method ?? 'GET',
          host,
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8')
        }
        log.push(entry)
        const path = (req.url ?? '/').split('?')[0]!
        const route = routes[scheme].get(`${host}${path}`)
        const reply = route ? await route(entry) : undefined
        if (!reply) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
          return
        }
        res.writeHead(reply.status ?? 200, { ...(reply.type ? { 'content-type': reply.type } : {}), ...reply.headers })
        res.end(reply.body ?? '')
      })
    }

  const httpsServer = https.createServer({ cert: cert.cert, key: cert.key }, handler('https'))
  const httpServer = http.createServer(handler('http'))
  const hung = new Set<net.Socket>()
  const silentServers = [443, 80].map(() => net.createServer((s) => hung.add(s.on('error', () => undefined))))
  await Promise.all([
    new Promise<void>((r) => httpsServer.listen(443, ip, r)),
    new Promise<void>((r) => httpServer.listen(80, ip, r)),
    ...silentServers.map((s, i) => new Promise<void>((r) => s.listen(i === 0 ? 443 : 80, silentIp, r)))
  ])
  const names: string[] = []
  let closed: Promise<void> | undefined
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      for (const n of names) world.dns.remove(n)
      for (const s of hung) s.destroy()
      httpsServer.closeAllConnections()
      httpServer.closeAllConnections()
      await Promise.all([httpsServer, httpServer, ...silentServers].map((s) => new Promise((r) => s.close(r))))
    })())
  world.onStop(close)
  const point = (address: string, hosts: string[]): void => {
    for (const x of hosts) {
      world.name(x, address)
      names.push(x)
    }
  }

  return {
    ip,
    silentIp,
    https: routes.https,
    http: routes.http,
    log,
    host: (...n) => point(ip, n),
    silent: (...n) => point(silentIp, n),
    serve(scheme, host, path, route) {
      routes[scheme].set(`${host}${path}`, typeof route === 'function' ? route : () => route)
    },
    close
  }
}
