// A real DNS server (npm dns2, UDP and TCP on one port) answering from an in-memory zone.
// Unknown names get NXDOMAIN at once; known names without the asked type get an empty
// NOERROR (NODATA), as a real authoritative server would. TTL 0 so no client caches, unless `ttl` says otherwise.
import dns2 from 'dns2'
import { allocLoopback } from './addresses'

export type RecordType = 'A' | 'AAAA' | 'MX' | 'SRV' | 'TXT' | 'CNAME'

export interface MxData {
  exchange: string
  priority: number
}
export interface SrvData {
  target: string
  port: number
  priority?: number
  weight?: number
}

export interface RecordData {
  A: string
  AAAA: string
  MX: MxData
  SRV: SrvData
  /** One TXT record; an array keeps its character-string boundaries. */
  TXT: string | string[]
  CNAME: string
}

export type ZoneEntry = { [T in RecordType]?: Array<RecordData[T]> }
/** name → records, e.g. { 'mail.bench.test': { A: ['127.1.2.3'] } }. */
export type Zone = Record<string, ZoneEntry>

/** How a name misbehaves: SERVFAIL, or no answer at all (the client times out). */
export type DnsFault = 'servfail' | 'silent'

export interface DnsServer {
  /** "ip:port", the form MAIL_SETUP_DNS and Resolver.setServers take. */
  server: string
  address: string
  port: number
  /** Add or replace one name's records of one type; an empty list removes them. */
  set<T extends RecordType>(name: string, type: T, records: Array<RecordData[T]>): void
  /** Remove a name entirely (it becomes NXDOMAIN). */
  remove(name: string): void
  /** Make a name misbehave (null clears it). */
  fault(name: string, fault: DnsFault | null): void
  /** Every question asked, "name TYPE", oldest first. */
  queries: string[]
  stop(): Promise<void>
}

const { Packet } = dns2
// RFC 1035 response codes (dns2's typings omit its Packet.RCODE table).
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const
const TYPE_NAME = new Map<number, string>(Object.entries(Packet.TYPE).map(([k, v]) => [v as number, k]))

const norm = (name: string): string => name.toLowerCase().replace(/\.$/, '')

function rdata(type: RecordType, value: RecordData[RecordType]): Record<string, unknown> {
  switch (type) {
    case 'A':
    case 'AAAA':
      return { address: value }
    case 'MX':
      return { ...(value as MxData) }
    case 'SRV': {
      const v = value as SrvData
      return { target: v.target, port: v.port, priority: v.priority ?? 0, weight: v.weight ?? 0 }
    }
    case 'TXT':
      return { data: value }
    case 'CNAME':
      return { domain: value }
  }
}

export interface StartDnsOptions {
  /** Address to bind; a fresh loopback address by default. */
  address?: string
  /** Port; 53 by default (bench runs as root), 0 for any free port. */
  port?: number
  /** TTL of every answer, seconds; 0 (nothing cached) by default. */
  ttl?: number
}

export async function startDnsServer(zone: Zone = {}, opts: StartDnsOptions = {}): Promise<DnsServer> {
  const records = new Map<string, ZoneEntry>()
  const faults = new Map<string, DnsFault>()
  for (const [name, entry] of Object.entries(zone)) records.set(norm(name), { ...entry })
  const queries: string[] = []

  function answer(request: InstanceType<typeof Packet>): InstanceType<typeof Packet> | null {
    const response = Packet.createResponseFromRequest(request)
    response.header.aa = 1
    const q = request.questions[0]
    if (!q) {
      response.header.rcode = RCODE.FORMERR
      return response
    }
    const typeName = TYPE_NAME.get(q.type) ?? String(q.type)
    queries.push(`${norm(q.name)} ${typeName}`)
    const fault = faults.get(norm(q.name))
    if (fault === 'silent') return null
    if (fault === 'servfail') {
      response.header.rcode = RCODE.SERVFAIL
      return response
    }
    let name = norm(q.name)
    // Follow CNAMEs inside the zone, as a resolver would see them in one answer.
    for (let hops = 0; hops < 8; hops++) {
      const entry = records.get(name)
      if (!entry) {
        if (hops === 0) response.header.rcode = RCODE.NXDOMAIN
        return response
      }
      const wanted = entry[typeName as RecordType]
      if (wanted?.length) {
        for (const value of wanted) {
          response.answers.push({
            name,
            type: q.type,
            class: Packet.CLASS.IN,
            ttl: opts.ttl ?? 0,
            ...rdata(typeName as RecordType, value)
          } as never)
        }
        return response
      }
      const cname = entry.CNAME?.[0]
      if (!cname || typeName === 'CNAME') return response
      response.answers.push({
        name,
        type: Packet.TYPE.CNAME,
        class: Packet.CLASS.IN,
        ttl: opts.ttl ?? 0,
        domain: cname
      } as never)
      name = norm(cname)
    }
    return response
  }

  const handle = (
    request: InstanceType<typeof Packet>,
    send: (r: InstanceType<typeof Packet>) => Promise<Buffer>
  ): void => {
    const response = answer(request)
    if (response) send(response).catch(() => undefined)
  }

  const address = opts.address ?? allocLoopback()
  const udp = dns2.createUDPServer({ type: 'udp4' })
  udp.on('request', handle as never)
  udp.on('requestError', () => undefined)
  udp.on('error', () => undefined)
  await udp.listen(opts.port ?? 53, address)
  const port = udp.address().port
  const tcp = dns2.createTCPServer()
  tcp.on('request', handle as never)
  tcp.on('requestError', () => undefined)
  tcp.on('error', () => undefined)
  const sockets = new Set<import('node:net').Socket>()
  tcp.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject)
    tcp.listen(port, address, () => resolve())
  })

  return {
    server: `${address}:${port}`,
    address,
    port,
    queries,
    set(name, type, list) {
      const key = norm(name)
      const entry = records.get(key) ?? {}
      if (list.length) (entry as Record<string, unknown>)[type] = [...list]
      else delete entry[type]
      if (Object.keys(entry).length) records.set(key, entry)
      else records.delete(key)
    },
    remove(name) {
      records.delete(norm(name))
    },
    fault(name, fault) {
      if (fault) faults.set(norm(name), fault)
      else faults.delete(norm(name))
    },
    async stop() {
      await new Promise<void>((resolve) => udp.close(() => resolve()))
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
    }
  }
}
