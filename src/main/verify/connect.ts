// DNS (A and AAAA through the app's resolver) and TCP with happy eyeballs: the next address
// starts while the previous one is still connecting, the first to connect wins.
import { connect, type Socket } from 'node:net'
import type { Dns } from '../net/dns'
import { isNotFound } from '../net/dns'
import { AppError } from '../errors'
import { netCode } from '../diagnosis/library'

export interface Address {
  address: string
  family: 4 | 6
}

export async function resolveHost(dns: Dns, host: string, signal: AbortSignal): Promise<Address[]> {
  try {
    return await dns.lookupAll(host, signal)
  } catch (err) {
    if (signal.aborted) throw signal.reason
    const notFound = isNotFound(err)
    throw new AppError({
      code: notFound ? 'dns-not-found' : 'dns-failed',
      protocol: 'dns',
      host,
      params: { host },
      detail: `${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`
    })
  }
}

function connectOne(a: Address, port: number): { socket: Socket; done: Promise<Socket> } {
  const socket = connect({ host: a.address, port, family: a.family })
  socket.setNoDelay(true)
  const done = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', reject)
  })
  return { socket, done }
}

/** Connects to the first address that answers; a refusal moves on to the next at once. */
export async function connectTcp(
  addresses: Address[],
  port: number,
  staggerMs: number,
  signal: AbortSignal
): Promise<Socket> {
  const attempts: Socket[] = []
  const errors: unknown[] = []
  let winner: Socket | undefined
  try {
    winner = await new Promise<Socket>((resolve, reject) => {
      let next = 0
      let failed = 0
      let timer: NodeJS.Timeout | undefined
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      const startNext = (): void => {
        clearTimeout(timer)
        if (next >= addresses.length) return
        const a = addresses[next++]!
        const { socket, done } = connectOne(a, port)
        attempts.push(socket)
        done.then(
          (s) => {
            clearTimeout(timer)
            signal.removeEventListener('abort', onAbort)
            resolve(s)
          },
          (err) => {
            errors.push(err)
            failed++
            if (failed === addresses.length) {
              signal.removeEventListener('abort', onAbort)
              reject(err)
            } else startNext()
          }
        )
        if (next < addresses.length) timer = setTimeout(startNext, staggerMs)
      }
      startNext()
    })
    return winner
  } catch (err) {
    if (signal.aborted) throw err
    // A refusal anywhere says more than a timeout elsewhere.
    const refused = errors.find((e) => netCode(e) === 'connection-refused')
    const chosen = refused ?? err
    throw new AppError({ code: netCode(chosen), detail: `${(chosen as Error).message}` })
  } finally {
    for (const s of attempts) {
      if (s !== winner) {
        s.on('error', () => undefined)
        s.destroy()
      }
    }
  }
}
