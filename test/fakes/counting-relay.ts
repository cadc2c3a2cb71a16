// A TCP relay in front of a real server, on a fresh loopback address and the same ports: pipes
// each connection through unchanged and counts them (open now, most at once, all), so a test can
// say how many connections a client made to a real server, and cut them to play a server that
// drops a connection.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { allocLoopback } from '../world/addresses'

export interface CountingRelay {
  host: string
  /** Connections open now, per port. */
  open: Map<number, number>
  /** Most connections open at once, per port, since the last reset. */
  max: Map<number, number>
  /** Connections accepted, per port, since the last reset. */
  total: Map<number, number>
  reset(): void
  /** Drops every connection open on `port` at once (both sides). */
  cut(port: number): void
  close(): Promise<void>
}

/** Pipes each of `ports` on a new loopback address to the same port of `target`. */
export async function startCountingRelay(target: string, ports: number[]): Promise<CountingRelay> {
  const host = allocLoopback()
  const open = new Map<number, number>()
  const max = new Map<number, number>()
  const total = new Map<number, number>()
  const sockets = new Set<Socket>()
  const clients = new Map<number, Set<Socket>>()
  const servers: Server[] = []
  for (const port of ports) {
    clients.set(port, new Set())
    const server = createServer((client) => {
      // Open from the moment it is accepted until the client ends it (its FIN or a reset).
      open.set(port, (open.get(port) ?? 0) + 1)
      total.set(port, (total.get(port) ?? 0) + 1)
      max.set(port, Math.max(max.get(port) ?? 0, open.get(port)!))
      clients.get(port)!.add(client)
      let closed = false
      const done = (): void => {
        if (closed) return
        closed = true
        clients.get(port)!.delete(client)
        open.set(port, open.get(port)! - 1)
      }
      client.on('end', done)
      client.on('close', done)
      client.on('error', done)
      const upstream = createConnection({ host: target, port })
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('close', () => sockets.delete(s))
        s.on('error', () => undefined)
      }
      client.pipe(upstream)
      upstream.pipe(client)
      upstream.on('close', () => client.destroy())
      client.on('close', () => upstream.destroy())
    })
    await new Promise<void>((resolve) => server.listen(port, host, resolve))
    servers.push(server)
  }
  return {
    host,
    open,
    max,
    total,
    reset: () => {
      max.clear()
      total.clear()
    },
    cut: (port) => {
      for (const c of clients.get(port) ?? []) c.destroy()
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
    }
  }
}
