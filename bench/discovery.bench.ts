// Discovery benchmark: time from an address to the complete candidate list while one source
// (HTTPS autoconfig) talks to a host that accepts and never answers. The run must end at the
// deadline, not when the silent host gives up. Real DNS server, real HTTPS/HTTP servers.
//   npx tsx bench/discovery.bench.ts [runs] [deadlineMs]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { allocLoopback } from '../test/world/addresses'
import { createCa } from '../test/world/ca'
import { startDnsServer } from '../test/world/dns'
import { loadConfig } from '../src/main/config'
import { createDns } from '../src/main/net/dns'
import { discover } from '../src/main/discovery'
import { autoconfigHttpsSource } from '../src/main/discovery/sources/autoconfig-web'

const RUNS = Number(process.argv[2]) || 15
const DEADLINE = Number(process.argv[3]) || 2000
const REPO = resolve(import.meta.dirname, '..')
const D = 'bench-discovery.example'

const xml = (
  host: string
): string => `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="${D}"><domain>${D}</domain>
<incomingServer type="imap"><hostname>${host}</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>${host}</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`

const stats = (xs: number[]): { median: number; max: number; min: number } => {
  const s = [...xs].sort((a, b) => a - b)
  return { median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]!, min: s[0]! }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'discovery-bench-'))
  const ca = await createCa(join(dir, 'pki'))
  const cert = await ca.issueCert([D, `*.${D}`, 'ispdb.bench.example'])
  const ip = allocLoopback()
  const silentIp = allocLoopback()
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
    const path = (req.url ?? '').split('?')[0]
    if (host === 'ispdb.bench.example' && path === `/v1.1/${D}`)
      res.writeHead(200, { 'content-type': 'text/xml' }).end(xml(`ispdb.${D}`))
    else if (path === '/mail/config-v1.1.xml') res.writeHead(200, { 'content-type': 'text/xml' }).end(xml(`http.${D}`))
    else res.writeHead(404).end()
  }
  const httpsServer = https.createServer({ cert: cert.certPem, key: cert.keyPem }, handler)
  const httpServer = http.createServer(handler)
  const held = new Set<net.Socket>()
  const silent = net.createServer((s) => held.add(s.on('error', () => undefined)))
  await Promise.all([
    new Promise<void>((r) => httpsServer.listen(443, ip, r)),
    new Promise<void>((r) => httpServer.listen(80, ip, r)),
    new Promise<void>((r) => silent.listen(443, silentIp, r))
  ])
  const dns = await startDnsServer({
    [D]: { A: [ip], MX: [{ exchange: `mx.${D}`, priority: 10 }] },
    [`autoconfig.${D}`]: { A: [silentIp] },
    [`imap.${D}`]: { A: [ip] },
    [`smtp.${D}`]: { A: [ip] },
    'ispdb.bench.example': { A: [ip] },
    [`_imaps._tcp.${D}`]: { SRV: [{ target: `imap.${D}`, port: 993 }] },
    [`_submissions._tcp.${D}`]: { SRV: [{ target: `smtp.${D}`, port: 465 }] }
  })
  const config = loadConfig(
    {},
    {
      dnsServers: [dns.server],
      ispdbBaseUrl: 'https://ispdb.bench.example/v1.1/',
      ispDirs: [],
      resourcesDir: join(REPO, 'resources')
    }
  )
  const appDns = createDns(config)

  const total: number[] = []
  const firstTrusted: number[] = []
  let timedOut = 0
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    let first = -1
    const result = await discover(`user${i}@${D}`, {
      config,
      dns: appDns,
      ca: [ca.certPem],
      signal: new AbortController().signal,
      deadlineMs: DEADLINE,
      offline: false,
      onReport: () => undefined,
      onCandidate: (c) => {
        if (first < 0 && c.trust.level === 'trusted') first = performance.now() - t0
      }
    })
    total.push(performance.now() - t0)
    firstTrusted.push(first)
    if (result.sources.find((s) => s.source === 'autoconfig-https')?.state === 'timeout') timedOut++
  }
  for (const s of held) s.destroy()
  await Promise.all([httpsServer, httpServer, silent].map((s) => new Promise((r) => s.close(r))))
  await dns.stop()
  await rm(dir, { recursive: true, force: true })

  const t = stats(total)
  const f = stats(firstTrusted)
  const lines = [
    `- ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs, global deadline ${DEADLINE} ms (HTTPS autoconfig's own timeout ${autoconfigHttpsSource.timeoutMs} ms), HTTPS autoconfig host silent (accepts, never answers); real DNS and HTTPS/HTTP servers on loopback:`,
    `  - address → complete candidate list: median ${t.median.toFixed(0)} ms, max ${t.max.toFixed(0)} ms (min ${t.min.toFixed(0)} ms) — bound min(deadline, own timeout) = ${Math.min(DEADLINE, autoconfigHttpsSource.timeoutMs)} ms; silent source reported \`timeout\` in ${timedOut}/${RUNS} runs`,
    `  - address → first trusted candidate streamed: median ${f.median.toFixed(0)} ms, max ${f.max.toFixed(0)} ms`
  ]
  console.log(lines.join('\n'))
  const file = join(REPO, 'BENCHMARKS.md')
  let text = ''
  try {
    text = await readFile(file, 'utf8')
  } catch {
    text = '# Benchmarks\n'
  }
  if (!/^## Discovery$/m.test(text)) {
    text = `${text.trimEnd()}\n\n## Discovery\n\nRun with \`npx tsx bench/discovery.bench.ts [runs] [deadlineMs]\`; each run appends its figures here.\n\n`
    await writeFile(file, text)
  }
  // Append under the Discovery heading (before the next section, if any).
  const current = await readFile(file, 'utf8')
  const at = current.search(/^## Discovery$/m)
  const next = current.slice(at + 1).search(/^## /m)
  const insertAt = next < 0 ? current.length : at + 1 + next
  const updated = `${current.slice(0, insertAt).trimEnd()}\n\n${lines.join('\n')}\n${next < 0 ? '' : `\n${current.slice(insertAt)}`}`
  await writeFile(file, updated)
  if (timedOut !== RUNS || t.max > DEADLINE * 1.5) {
    console.error('FAIL: discovery was not bounded by the deadline')
    process.exitCode = 1
  }
}

await main()
