// Network delay in user space, for kernels without netem: TCP and UDP relays that hold every
// packet `delayMs` in each direction. The TCP relay also stands in for the handshake: it opens
// the upstream connection 1.5 round trips after accepting (SYN, SYN-ACK, ACK), so the first
// reply reaches the client exactly when it would over a real delayed link.
import { createSocket } from 'node:dgram'
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface Relay {
  close(): Promise<void>
}

function later(ms: number, fn: () => void): void {
  setTimeout(fn, ms)
}

export async function tcpDelayRelay(
  listenHost: string,
  port: number,
  target: { host: string; port: number },
  delayMs: number
): Promise<Relay> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => undefined)
    client.on('close', () => sockets.delete(client))
    const pending: Buffer[] = []
    let upstream: Socket | undefined
    let clientEnded = false
    client.on('data', (d) => later(delayMs, () => (upstream ? upstream.write(d) : pending.push(d))))
    client.on('end', () => later(delayMs, () => (upstream ? upstream.end() : (clientEnded = true))))
    client.on('close', () => later(delayMs, () => upstream?.destroy()))
    later(3 * delayMs, () => {
      if (client.destroyed) return
      const up = connect({ host: target.host, port: target.port })
      sockets.add(up)
      up.on('error', () => later(delayMs, () => client.destroy()))
      up.on('close', () => sockets.delete(up))
      up.on('connect', () => {
        upstream = up
        for (const d of pending.splice(0)) up.write(d)
        if (clientEnded) up.end()
      })
      up.on('data', (d) => later(delayMs, () => client.writable && client.write(d)))
      up.on('end', () => later(delayMs, () => client.end()))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, listenHost, () => resolve())
  })
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

export async function udpDelayRelay(
  listenHost: string,
  port: number,
  target: { host: string; port: number },
  delayMs: number
): Promise<Relay> {
  const front = createSocket('udp4')
  await new Promise<void>((resolve) => front.bind(port, listenHost, () => resolve()))
  front.on('message', (msg, from) => {
    const back = createSocket('udp4')
    back.on('message', (reply) => {
      later(delayMs, () => front.send(reply, from.port, from.address))
      back.close()
    })
    back.on('error', () => back.close())
    later(delayMs, () => back.send(msg, target.port, target.host))
    setTimeout(() => {
      try {
        back.close()
      } catch {
        // already closed
      }
    }, 10_000).unref()
  })
  return { close: () => new Promise<void>((resolve) => front.close(() => resolve())) }
}
