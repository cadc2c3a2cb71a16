// Browser mode: the built renderer and the same API, served on 127.0.0.1 only.
// Guarded by a random per-run token (Authorization header), a Host check (against DNS
// rebinding), an Origin check on API calls, and no CORS headers at all.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { createHandlers, dispatch, type DoorHooks, type DownloadFile } from '../api/handlers'
import { prepareTrust, type Services } from '../services'
import type { EventName, EventPayload } from '../../shared/api'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { CONTENT_TYPES } from '../content-types'
import { sweepSoon } from '../helpdesk/bulk-folder'

export interface BrowserServer {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

const MAX_BODY = 1024 * 1024
/** A file offered for download is fetched once, within this long; a few wait at most. */
const DOWNLOAD_MS = 60_000
const MAX_DOWNLOADS = 8

/**
 * Connections that have not sent their request yet hold a descriptor each: their headers must
 * arrive within HEADERS_MS, and at most MAX_CONNECTIONS are open at once (the wizard uses a few).
 */
export const DOOR_LIMITS = { headersMs: 5_000, requestMs: 15_000, checkEveryMs: 1_000, maxConnections: 64 }

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store'
}

export async function startBrowserServer(opts: {
  services: Services
  rendererDir: string
  version: string
  port?: number
  /** Opens a URL in the user's browser (the allow-list is checked by the handler). */
  openExternal?: (url: string) => Promise<boolean>
}): Promise<BrowserServer> {
  const token = randomBytes(24).toString('base64url')
  const tokenBuf = Buffer.from(`Bearer ${token}`)
  const streams = new Set<ServerResponse>()
  const downloads = new Map<string, { file: DownloadFile; timer: NodeJS.Timeout }>()
  let origin = ''

  const hooks: DoorHooks = {
    door: 'browser',
    version: opts.version,
    emit<K extends EventName>(event: K, payload: EventPayload<K>) {
      const line = `${JSON.stringify({ event, payload })}\n`
      for (const res of streams) res.write(line)
    },
    openExternal: opts.openExternal,
    offerDownload(file) {
      const id = randomBytes(18).toString('base64url')
      const timer = setTimeout(() => downloads.delete(id), DOWNLOAD_MS)
      timer.unref()
      downloads.set(id, { file, timer })
      for (const [old, d] of downloads) {
        if (downloads.size <= MAX_DOWNLOADS) break
        clearTimeout(d.timer)
        downloads.delete(old)
      }
      return `/api/download/${id}`
    }
  }
  const handlers = createHandlers(opts.services, hooks)
  // A new wizard session: copies of bulk lists an earlier one left (plain passwords maybe) go soon.
  sweepSoon(opts.services.config)

  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '')
    return given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf)
  }

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    type = 'text/plain; charset=utf-8'
  ): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type })
    res.end(body)
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY) throw new Error('body too large')
      chunks.push(chunk as Buffer)
    }
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
  }

  async function serveStatic(path: string, res: ServerResponse): Promise<void> {
    let decoded: string
    try {
      decoded = decodeURIComponent(path === '/' ? '/index.html' : path)
    } catch {
      // `/%ZZ` is the client's mistake, not ours.
      return send(res, 400, 'bad request')
    }
    const rel = normalize(decoded).replace(/^([/\\])+/, '')
    const file = join(opts.rendererDir, rel)
    if (!file.startsWith(opts.rendererDir + sep) || rel.includes('\0')) return send(res, 404, 'not found')
    try {
      const body = await readFile(file)
      send(res, 200, body, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
    } catch {
      send(res, 404, 'not found')
    }
  }

  /** A file made as a stream (a bulk report), once: written as it is made, never held whole. */
  async function serveDownload(id: string, res: ServerResponse): Promise<void> {
    const offered = downloads.get(id)
    if (!offered) return send(res, 404, 'not found')
    downloads.delete(id)
    clearTimeout(offered.timer)
    const { file } = offered
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': file.mimeType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`
    })
    for await (const piece of file.body()) {
      // The page reads at its pace: wait for it rather than buffer the report here.
      if (!res.write(piece))
        await new Promise<void>((resolve) => {
          const go = (): void => {
            res.off('drain', go)
            res.off('close', go)
            resolve()
          }
          res.on('drain', go)
          res.on('close', go)
        })
      if (res.destroyed) return
    }
    res.end()
  }

  const server = createServer(
    {
      headersTimeout: DOOR_LIMITS.headersMs,
      requestTimeout: DOOR_LIMITS.requestMs,
      connectionsCheckingInterval: DOOR_LIMITS.checkEveryMs
    },
    (req, res) => {
      void (async () => {
        const host = req.headers.host ?? ''
        if (host !== new URL(origin).host) return send(res, 421, 'wrong host')
        const url = new URL(req.url ?? '/', origin)
        if (!url.pathname.startsWith('/api/')) {
          if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed')
          return serveStatic(url.pathname, res)
        }
        // API: same origin only (a page elsewhere cannot call it), and the run's token.
        const reqOrigin = req.headers.origin
        if (reqOrigin !== undefined && reqOrigin !== origin) return send(res, 403, 'wrong origin')
        if (!authorized(req)) return send(res, 401, 'missing or wrong token')
        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/x-ndjson; charset=utf-8' })
          res.write('\n')
          streams.add(res)
          req.on('close', () => streams.delete(res))
          return
        }
        const download = /^\/api\/download\/([\w-]+)$/.exec(url.pathname)?.[1]
        if (download !== undefined && req.method === 'GET') return serveDownload(download, res)
        const op = /^\/api\/op\/([A-Za-z]+)$/.exec(url.pathname)?.[1]
        if (!op || req.method !== 'POST') return send(res, 404, 'not found')
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'json only')
        let body: unknown
        try {
          body = await readBody(req)
        } catch {
          return send(res, 400, 'bad request')
        }
        const result = await dispatch(handlers, op, body)
        send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8')
      })().catch(() => {
        if (!res.headersSent) send(res, 500, 'internal error')
        else res.end()
      })
    }
  )

  server.maxConnections = DOOR_LIMITS.maxConnections
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`
  // Listening: the user has a page to open and an address to type (services.ts).
  setImmediate(() => prepareTrust(opts.services))
  return {
    url: `${origin}/#token=${token}`,
    token,
    port,
    async close() {
      for (const res of streams) res.end()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
