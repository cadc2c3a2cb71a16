// Verification benchmark: wall time from an address to incoming and outgoing both verified,
// for a domain with no autoconfig whose `imap.` host accepts connections and never speaks and
// whose `mail.` host is the real Dovecot. Everything runs in a network namespace of its own
// with netem delaying every packet on its loopback, so other runs on this machine are untouched.
// Where the kernel has no netem, user-space relays in front of
// every server and the DNS server add the same delay instead (test/fakes/delay.ts).
//   npx tsx bench/verify.bench.ts [runs] [delayMsEachWay]
import { execFileSync, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { release } from 'node:os'
import { rootCertificates } from 'node:tls'
import { loadConfig } from '../src/main/config'
import { createDns } from '../src/main/net/dns'
import { discover } from '../src/main/discovery'
import { verify } from '../src/main/verify'
import { DEFAULT_TIMING } from '../src/main/verify/timing'
import type { Candidate } from '../src/shared/domain'
import { startBench, startDnsServer } from '../test/world'
import { startFake } from '../test/fakes/server'
import { allocLoopback } from '../test/world/addresses'
import { tcpDelayRelay, udpDelayRelay, type Relay } from '../test/fakes/delay'

const RUNS = Number(process.argv[2]) || 7
const DELAY = Number(process.argv[3]) || 25
const NS_ENV = 'MAIL_SETUP_VERIFY_BENCH_NS'
const REPO = resolve(import.meta.dirname, '..')
const RTT = 2 * DELAY
// Unavoidable round trips from address to both sides verified, each side in parallel:
// discovery's DNS questions (1), then per side DNS (1), TCP (1), TLS 1.3 (1), the greeting (1:
// the server speaks only once its handshake is done), capabilities (IMAP 0 when the greeting
// carries them; SMTP 1, EHLO may not be sent before the greeting), sign-in (1). The slower
// side, SMTP over implicit TLS, sets the floor: 7. (Until 2026-11-25 this said 6, leaving out
// the SMTP greeting; figures from then are also given against 6 for comparison.)
const FLOOR_RTTS = 7
const OLD_FLOOR_RTTS = 6
// Thunderbird: every guessed probe has a 10 s timeout plus 2 s, and a success is accepted only
// after every better-ranked probe failed, so the silent imap. host holds the result ~12 s.
const THUNDERBIRD_MS = 12_000

/** Runs the benchmark inside a namespace with netem; undefined when this kernel has no netem. */
function outer(): number | undefined {
  const ns = `msverify${process.pid}`
  const sh = (...args: string[]): void => void execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' })
  sh('ip', 'netns', 'add', ns)
  try {
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up')
    try {
      sh('ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', `${DELAY}ms`)
    } catch {
      return undefined
    }
    const self = fileURLToPath(import.meta.url)
    const r = spawnSync(
      'ip',
      ['netns', 'exec', ns, process.execPath, ...process.execArgv, self, ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, [NS_ENV]: ns }
      }
    )
    return r.status ?? 1
  } finally {
    sh('ip', 'netns', 'del', ns)
  }
}

/** Why netem is missing: a kernel built without it, and without loadable modules to add it. */
function kernelNote(): string {
  try {
    const config = execFileSync('zcat', ['/proc/config.gz'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
    const off = (name: string): boolean => !new RegExp(`^${name}=[ym]$`, 'm').test(config)
    if (off('CONFIG_NET_SCH_NETEM'))
      return `kernel ${release()} built without netem${off('CONFIG_MODULES') ? ' and without module support' : ''}`
  } catch {
    // no /proc/config.gz: say only what was seen
  }
  return 'tc could not add a netem qdisc'
}

const stats = (xs: number[]): { median: number; max: number; min: number } => {
  const s = [...xs].sort((a, b) => a - b)
  return { median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]!, min: s[0]! }
}

const PORTS = [993, 143, 995, 110, 465, 587]

async function inner(mode: 'netem' | 'relay'): Promise<void> {
  const bench = await startBench()
  const quiet = allocLoopback()
  const silent = await Promise.all([993, 143].map((port) => startFake({ host: quiet, port, handler: () => undefined })))
  const relays: Relay[] = []
  // In relay mode every name points at a relay that forwards, delayed, to the real server.
  const front = async (target: string, ports: number[]): Promise<string> => {
    if (mode === 'netem') return target
    const at = allocLoopback()
    for (const port of ports) relays.push(await tcpDelayRelay(at, port, { host: target, port }, DELAY))
    return at
  }
  const silentIp = await front(silent[0]!.host, [993, 143])
  const mailIp = await front(bench.hosts[bench.mailHost]!, PORTS)
  const imapHost = `imap.${bench.domain}`
  const zone = await startDnsServer({ [bench.mailHost]: { A: [mailIp] } })
  let dnsServer = zone.server
  if (mode === 'relay') {
    const at = allocLoopback()
    relays.push(await udpDelayRelay(at, 53, { host: zone.address, port: zone.port }, DELAY))
    dnsServer = `${at}:53`
  }
  const alice = bench.users.alice
  const config = loadConfig(
    { MAIL_SETUP_DNS: dnsServer, MAIL_SETUP_EXTRA_CA: bench.ca.file, MAIL_SETUP_ISP_DIRS: '' },
    { ispdbBaseUrl: 'https://ispdb.invalid/v1.1/' }
  )
  const dns = createDns(config)
  const ca = [...rootCertificates, ...config.extraCaPem]

  async function once(
    withSilent: boolean
  ): Promise<{ discovery: number; total: number; incoming: string; silentState: string; candidate: string }> {
    if (withSilent) zone.set(imapHost, 'A', [silentIp])
    else zone.remove(imapHost)
    const t0 = performance.now()
    let first: Candidate | undefined
    const d = await discover(alice.address, {
      config,
      dns,
      ca,
      signal: new AbortController().signal,
      deadlineMs: config.discoveryDeadlineMs,
      offline: false,
      onReport: (r) => {
        if (process.env.MAIL_SETUP_BENCH_DEBUG === '1' && r.state !== 'started')
          console.log('source', r.source, r.state, r.ms, r.reason ?? '')
      },
      onCandidate: (c) => void (first ??= c)
    })
    const t1 = performance.now()
    const best = d.candidates[0]
    if (!best) throw new Error('discovery found nothing')
    const r = await verify(
      {
        address: alice.address,
        incoming: best.incoming,
        outgoing: best.outgoing,
        secret: { kind: 'password', password: alice.password },
        exceptions: []
      },
      { dns, ca, signal: new AbortController().signal, onProbe: () => undefined }
    )
    const t2 = performance.now()
    if (process.env.MAIL_SETUP_BENCH_DEBUG === '1') {
      console.log('discovery ms', (t1 - t0).toFixed(0), 'verify ms', r.ms, 'wall', (t2 - t1).toFixed(0))
      for (const p of r.probes)
        console.log(p.id, p.state, p.ms, p.steps.map((x) => `${x.name}:${x.state}:${x.ms ?? ''}`).join(' '))
      for (const p of [r.incoming, r.outgoing])
        for (const l of p?.transcript ?? []) console.log(`  ${p!.id} ${l.t} ${l.dir} ${l.text.slice(0, 100)}`)
    }
    if (!r.incoming || !r.outgoing) throw new Error(`not verified: ${r.diagnosis?.code} ${r.diagnosis?.detail ?? ''}`)
    const silentProbe = r.probes.find((p) => p.settings.host === imapHost)
    return {
      discovery: t1 - t0,
      total: t2 - t0,
      incoming: `${r.incoming.settings.host}:${r.incoming.settings.port}`,
      silentState: silentProbe ? `${silentProbe.state}` : 'not probed',
      candidate: `${best.source}: ${best.incoming.map((s) => `${s.host}:${s.port}`).join(' ')}`
    }
  }

  try {
    await once(true) // warm-up: module loading and Dovecot's first logins
    const withSilent = []
    const without = []
    for (let i = 0; i < RUNS; i++) {
      withSilent.push(await once(true))
      without.push(await once(false))
    }
    const floor = FLOOR_RTTS * RTT
    const a = stats(withSilent.map((x) => x.total))
    const v = stats(withSilent.map((x) => x.total - x.discovery))
    const disc = stats(withSilent.map((x) => x.discovery))
    const b = stats(without.map((x) => x.total))
    const cost = a.median - b.median
    const lines = [
      `- ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs, ${DELAY} ms each way (RTT ${RTT} ms) ${mode === 'netem' ? 'by netem on the loopback of a private network namespace' : `by user-space TCP/UDP relays in front of every server and the DNS server (${kernelNote()})`}; real Dovecot as \`mail.\`, \`imap.\` accepts and never speaks; discovery finds no autoconfig and guesses:`,
      `  - address → incoming and outgoing verified: median ${a.median.toFixed(0)} ms, max ${a.max.toFixed(0)} ms (min ${a.min.toFixed(0)} ms)`,
      `  - floor ${FLOOR_RTTS} round trips × ${RTT} ms = ${floor} ms; ratio median/floor ${(a.median / floor).toFixed(2)}× (against the earlier ${OLD_FLOOR_RTTS}-round-trip floor: ${(a.median / (OLD_FLOOR_RTTS * RTT)).toFixed(2)}×)`,
      `  - of which discovery median ${disc.median.toFixed(0)} ms, verification median ${v.median.toFixed(0)} ms`,
      `  - same domain without the silent host: median ${b.median.toFixed(0)} ms (${(b.median / floor).toFixed(2)}× the floor); the silent host cost ${cost.toFixed(0)} ms (grace period ${DEFAULT_TIMING.graceMs} ms)`,
      `  - Thunderbird's strategy for the same case: ≥ ${THUNDERBIRD_MS} ms for the incoming side alone (10 s probe timeout + 2 s; outgoing untested), ${(THUNDERBIRD_MS / a.median).toFixed(0)}× slower`,
      `  - chosen incoming ${withSilent[0]!.incoming}; silent probe ended ${withSilent[0]!.silentState}; candidate ${withSilent[0]!.candidate}`
    ]
    console.log(lines.join('\n'))
    if (process.env.MAIL_SETUP_BENCH_DRY !== '1') await appendSection(lines)
  } finally {
    await Promise.all(relays.map((r) => r.close()))
    await Promise.all(silent.map((s) => s.close()))
    await zone.stop()
    await bench.stop()
  }
}

async function appendSection(lines: string[]): Promise<void> {
  const file = resolve(REPO, 'BENCHMARKS.md')
  let text = ''
  try {
    text = await readFile(file, 'utf8')
  } catch {
    text = '# Benchmarks\n'
  }
  const heading = '## Verification'
  const intro = `${heading}\n\nRun with \`npx tsx bench/verify.bench.ts [runs] [delayMsEachWay]\` (needs root for \`ip netns\` and \`tc\`); each run appends its figures here.\n`
  if (!text.includes(heading)) text = `${text.trimEnd()}\n\n${intro}`
  const start = text.indexOf(heading)
  const next = text.indexOf('\n## ', start + heading.length)
  const end = next < 0 ? text.length : next
  const section = `${text.slice(start, end).trimEnd()}\n\n${lines.join('\n')}\n`
  await writeFile(file, `${text.slice(0, start)}${section}${text.slice(end)}`)
}

const run = (mode: 'netem' | 'relay'): void => {
  inner(mode).then(
    () => process.exit(0),
    (err) => {
      console.error(err)
      process.exit(1)
    }
  )
}

if (process.env[NS_ENV]) run('netem')
else {
  const status = outer()
  if (status === undefined) run('relay')
  else process.exitCode = status
}
