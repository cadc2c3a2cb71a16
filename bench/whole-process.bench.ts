// Whole-process benchmark (issue 16): the built `mail-setup` command as a user runs it, from a
// folder outside the repository, against real servers on loopback: the bench's Dovecot, an
// HTTPS autoconfig server and DNS; a domain whose mail host accepts TCP and never speaks.
// Each row is timed from spawn to exit, locally and again with 25 ms added each way by
// user-space relays (test/fakes/delay.ts), and set beside its goal and the network floor.
// CPU time and peak RSS come from the child itself (process.resourceUsage at exit).
//   npx tsx bench/whole-process.bench.ts [runs] [delayMsEachWay]
// MAIL_SETUP_BENCH_DRY=1 prints without appending to BENCHMARKS.md; MAIL_SETUP_BENCH_PROFILE=DIR
// writes a `node --cpu-prof` profile of every run there (the figures then include profiling);
// MAIL_SETUP_BENCH_ROWS=help,offline,discover,verify,hosted,silent runs only those rows (all by default).
import { spawn, spawnSync } from 'node:child_process'
import https from 'node:https'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startBench, startDnsServer, benchAutoconfig } from '../test/world'
import { allocLoopback } from '../test/world/addresses'
import { startFake } from '../test/fakes/server'
import { tcpDelayRelay, udpDelayRelay, type Relay } from '../test/fakes/delay'

const RUNS = Number(process.argv[2]) || 5
const DELAY = Number(process.argv[3]) || 25
const RTT = 2 * DELAY
const REPO = resolve(import.meta.dirname, '..')
const QUIET = 'quiet.test'
// A domain whose autoconfig file names the bench's host in another domain (a hosting provider's),
// so guessing finds nothing to open ahead: the check starts when the file arrives.
const HOSTED = 'hosted.test'
// Written by the child when it exits: its own CPU time and peak RSS.
const HOOK = `data:text/javascript,${encodeURIComponent(
  'import{writeFileSync}from"node:fs";process.on("exit",()=>{const f=process.env.MAIL_SETUP_BENCH_STATS;if(f)writeFileSync(f,JSON.stringify(process.resourceUsage()))})'
)}`

interface Sample {
  ms: number
  cpuMs: number
  rssMb: number
  code: number
  /** When stderr first said "not answering yet", ms after spawn. */
  slowAt?: number
  stderr: string
}

async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Sample> {
  const stats = join(cwd, `stats-${process.hrtime.bigint()}.json`)
  const t0 = performance.now()
  const profile = process.env.MAIL_SETUP_BENCH_PROFILE
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${process.env.MAIL_SETUP_BENCH_PROFILE}`,
        `--cpu-prof-name=${args[0]!.replace(/^-+/, '')}-${process.hrtime.bigint()}.cpuprofile`
      ]
    : []
  const child = spawn(process.execPath, [...profile, '--import', HOOK, join(REPO, 'bin', 'mail-setup.js'), ...args], {
    cwd,
    env: { ...env, MAIL_SETUP_BENCH_STATS: stats },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  let slowAt: number | undefined
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (slowAt === undefined && stderr.includes('not answering yet')) slowAt = performance.now() - t0
  })
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)))
  const ms = performance.now() - t0
  const usage = JSON.parse(
    await readFile(stats, 'utf8').catch(() => {
      throw new Error(`${args.join(' ')} exited ${code} without its figures:\n${stderr}`)
    })
  ) as NodeJS.ResourceUsage
  await rm(stats, { force: true })
  return {
    ms,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rssMb: usage.maxRSS / 1024,
    code,
    slowAt,
    stderr
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Row {
  /** Its name in MAIL_SETUP_BENCH_ROWS. */
  key: string
  name: string
  args: string[]
  /** Exit code the row must end with (a wrong answer fast is no result). */
  expect: number
  goalMs?: number
  /** Round trips no implementation can avoid, for the delayed run. */
  floorRtts?: number
  goalRatio?: number
  runs: number
}

async function main(): Promise<void> {
  // The benchmark measures what users run: the built CLI.
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] })
  if (build.status !== 0) throw new Error('build failed')

  const bench = await startBench()
  const dir = await mkdtemp(join(tmpdir(), 'whole-process-bench-'))
  const relays: Relay[] = []
  const closers: Array<() => Promise<void>> = []
  try {
    const domain = bench.domain
    const cert = await bench.ca.issueCert([
      `autoconfig.${domain}`,
      `autoconfig.${QUIET}`,
      `mail.${QUIET}`,
      `autoconfig.${HOSTED}`
    ])
    const webIp = allocLoopback()
    const web = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
      const d = host.replace(/^autoconfig\./, '')
      const file = (req.url ?? '').startsWith('/mail/config-v1.1.xml')
      if (file && (d === domain || d === QUIET)) {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(benchAutoconfig(d, `mail.${d}`))
      } else if (file && d === HOSTED) {
        // The provider's own host, and the mailbox's name there.
        const xml = benchAutoconfig(d, bench.mailHost).replaceAll('%EMAILADDRESS%', bench.users.alice.address)
        res.writeHead(200, { 'content-type': 'text/xml' }).end(xml)
      } else res.writeHead(404).end()
    })
    await new Promise<void>((r) => web.listen(443, webIp, r))
    closers.push(() => new Promise((r) => web.close(() => r())))
    const quietIp = allocLoopback()
    for (const port of [993, 995, 465, 587]) {
      const fake = await startFake({ host: quietIp, port, handler: () => undefined })
      closers.push(() => fake.close())
    }

    /** A DNS zone for the bench names; with a delay, every address is a relay in front of the real one. */
    const zones = new Map<number, Awaited<ReturnType<typeof startDnsServer>>>()
    async function world(delay: number): Promise<NodeJS.ProcessEnv> {
      const front = async (target: string, ports: number[]): Promise<string> => {
        if (!delay) return target
        const at = allocLoopback()
        for (const port of ports) relays.push(await tcpDelayRelay(at, port, { host: target, port }, delay))
        return at
      }
      const mail = await front(bench.mailAddress, [993, 995, 465, 587])
      const webAt = await front(webIp, [443])
      const quietAt = await front(quietIp, [993, 995, 465, 587])
      const zone = await startDnsServer({
        [`autoconfig.${domain}`]: { A: [webAt] },
        [`mail.${domain}`]: { A: [mail] },
        [`autoconfig.${QUIET}`]: { A: [webAt] },
        [`autoconfig.${HOSTED}`]: { A: [webAt] },
        [`mail.${QUIET}`]: { A: [quietAt] }
      })
      closers.push(() => zone.stop())
      zones.set(delay, zone)
      let server = zone.server
      if (delay) {
        const at = allocLoopback()
        relays.push(await udpDelayRelay(at, 53, { host: zone.address, port: zone.port }, delay))
        server = `${at}:53`
      }
      return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
        MAIL_SETUP_DNS: server,
        MAIL_SETUP_EXTRA_CA: bench.ca.file,
        MAIL_SETUP_ISP_DIRS: '',
        MAIL_SETUP_ISPDB_URL: 'https://ispdb.bench.invalid/v1.1/',
        MAIL_SETUP_USER_DATA: join(dir, 'user-data'),
        MAIL_SETUP_PASSWORD: bench.users.alice.password
      }
    }

    const alice = bench.users.alice.address
    // Floors, in round trips of the delayed link. Discovery: DNS, TCP, TLS, GET of the
    // autoconfig file (4). Verify then SMTP over implicit TLS, the slower side: TCP, TLS,
    // greeting, EHLO, AUTH (5; the mail host's address was already asked during discovery by
    // guessing, whose lookups the run shares).
    const rows: Row[] = [
      { key: 'help', name: '`--help`', args: ['--help'], expect: 0, goalMs: 100, runs: RUNS },
      {
        key: 'offline',
        name: '`discover` of a built-in provider, offline',
        args: ['discover', 'someone@gmail.com', '--offline'],
        expect: 0,
        goalMs: 150,
        runs: RUNS
      },
      {
        key: 'discover',
        name: '`discover` of an HTTPS-autoconfig domain',
        args: ['discover', alice],
        expect: 0,
        floorRtts: 4,
        runs: RUNS
      },
      {
        key: 'verify',
        name: '`verify` of that domain (IMAP + SMTP signed in)',
        args: ['verify', alice, '--no-save'],
        expect: 0,
        goalMs: 300,
        floorRtts: 9,
        goalRatio: 1.5,
        runs: RUNS
      },
      {
        key: 'hosted',
        name: '`verify` where the file names a host in another domain (nothing to open ahead)',
        args: ['verify', `alice@${HOSTED}`, '--no-save'],
        expect: 0,
        // One more than the row above: the mail host's name comes only with the file, so its
        // address is asked after it.
        floorRtts: 10,
        runs: RUNS
      },
      {
        key: 'silent',
        name: '`verify` where the hosts accept TCP and never speak',
        args: ['verify', `alice@${QUIET}`, '--no-save'],
        expect: 4,
        goalMs: 5000,
        runs: Math.min(RUNS, 3)
      }
    ]

    const only = process.env.MAIL_SETUP_BENCH_ROWS?.split(',').filter(Boolean)
    const chosen = only?.length ? rows.filter((r) => only.includes(r.key)) : rows
    const local = await world(0)
    const delayed = await world(DELAY)
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'))
    closers.push(() => rm(cwd, { recursive: true, force: true }))
    await runCli(['verify', alice, '--no-save'], local, cwd) // warm-up: Dovecot's first logins, the page cache
    const load = loadavg()[0]!.toFixed(1)
    const out: string[] = []
    const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
    let verifyRss = 0
    const table = [
      `| work | goal | local: median (min), CPU | ${DELAY} ms each way: median | floor | ratio to floor |`,
      '|---|---|---|---|---|---|'
    ]
    const notes: string[] = []
    for (const row of chosen) {
      const a: Sample[] = []
      for (let i = 0; i < row.runs; i++) a.push(await runCli(row.args, local, cwd))
      const bad = a.find((s) => s.code !== row.expect)
      if (bad) throw new Error(`${row.args.join(' ')} exited ${bad.code}, expected ${row.expect}:\n${bad.stderr}`)
      const networked = row.floorRtts !== undefined || row.expect === 4
      const b: Sample[] = []
      if (networked) for (let i = 0; i < row.runs; i++) b.push(await runCli(row.args, delayed, cwd))
      const badB = b.find((s) => s.code !== row.expect)
      if (badB) throw new Error(`delayed ${row.args.join(' ')} exited ${badB.code}:\n${badB.stderr}`)
      if (process.env.MAIL_SETUP_BENCH_DEBUG === '1')
        console.log(`${row.args.join(' ')}\n${a[0]!.stderr}\n${b[0]?.stderr ?? ''}`)
      const m = median(a.map((s) => s.ms))
      const mb = b.length ? median(b.map((s) => s.ms)) : undefined
      const floor = row.floorRtts !== undefined ? row.floorRtts * RTT : undefined
      const goal =
        [row.goalMs !== undefined ? `≤ ${fmt(row.goalMs)}` : '', row.goalRatio ? `≤ ${row.goalRatio}× floor` : '']
          .filter(Boolean)
          .join('; ') || '—'
      const met = row.goalMs === undefined ? '' : m <= row.goalMs ? ' ✓' : ' ✗'
      const ratio =
        floor && mb !== undefined
          ? `${(mb / floor).toFixed(2)}×${row.goalRatio ? (mb / floor <= row.goalRatio ? ' ✓' : ' ✗') : ''}`
          : '—'
      table.push(
        `| ${row.name} | ${goal} | ${fmt(m)}${met} (${fmt(Math.min(...a.map((s) => s.ms)))}), ${fmt(median(a.map((s) => s.cpuMs)))} | ${mb !== undefined ? fmt(mb) : '—'} | ${floor ? `${row.floorRtts} RTT = ${fmt(floor)}` : '—'} | ${ratio} |`
      )
      if (row.key === 'verify') {
        verifyRss = median(a.map((s) => s.rssMb))
        // One more run, counting what it asked the DNS server: each name and type once per run.
        const zone = zones.get(0)!
        const from = zone.queries.length
        await runCli(row.args, local, cwd)
        const asked = zone.queries.slice(from)
        const twice = [...new Set(asked)].filter((q) => asked.indexOf(q) !== asked.lastIndexOf(q))
        notes.push(
          `one \`verify\` run asked the DNS server ${asked.length} questions for ${new Set(asked).size} names and types${twice.length ? `; more than once: ${twice.join(', ')}` : ', each once'}`
        )
      }
      if (row.key === 'offline') {
        // What the CLI prints per source ("  builtin  found (1)  4 ms"): the sources without network work.
        const bySource = new Map<string, number[]>()
        for (const s of a)
          for (const m of s.stderr.matchAll(/^ {2}(\S+) .* (\d+) ms$/gm))
            bySource.set(m[1]!, [...(bySource.get(m[1]!) ?? []), Number(m[2])])
        notes.push(
          `sources without network work, as the CLI reports them (median, max; goal < 10 ms each): ${[...bySource]
            .map(([id, ms]) => `${id} ${median(ms)} ms (${Math.max(...ms)})`)
            .join(', ')}`
        )
      }
      if (row.expect === 4) {
        const slow = a.map((s) => s.slowAt).filter((x): x is number => x !== undefined)
        notes.push(
          `"not answering yet" shown after ${slow.length ? fmt(median(slow)) : 'never'} (median, local; goal ≤ 2 s) in ${slow.length}/${a.length} runs; with the delay ${b.length ? fmt(median(b.map((s) => s.slowAt ?? Infinity))) : '—'}`
        )
      }
      process.stdout.write(`${table[table.length - 1]}\n`)
    }
    if (chosen.some((r) => r.key === 'verify'))
      table.push(
        `| peak RSS of one \`verify\` | ≤ 120 MB | ${verifyRss.toFixed(0)} MB${verifyRss <= 120 ? ' ✓' : ' ✗'} | — | — | — |`
      )
    out.push(
      `- ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${RUNS} runs per row${chosen.length < rows.length ? ` (rows: ${chosen.map((r) => r.key).join(', ')})` : ''} (silent host ${Math.min(RUNS, 3)}), built CLI run from a temporary folder, load average ${load} on ${spawnSync('nproc').stdout.toString().trim()} cores, Node ${process.version}:`,
      '',
      ...table,
      '',
      ...notes.map((n) => `  - ${n}`)
    )
    console.log(`\n${out.join('\n')}`)
    if (process.env.MAIL_SETUP_BENCH_DRY !== '1') await append(out)
  } finally {
    await Promise.all(relays.map((r) => r.close()))
    for (const c of closers.reverse()) await c().catch(() => undefined)
    await bench.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

async function append(lines: string[]): Promise<void> {
  const file = join(REPO, 'BENCHMARKS.md')
  const text = await readFile(file, 'utf8')
  const heading = '## Whole process'
  const intro = `${heading}\n\nRun with \`npm run bench -- whole-process\` (or \`npx tsx bench/whole-process.bench.ts [runs] [delayMsEachWay]\`); each run appends its figures here. Times are wall clock from spawn to exit of the built \`bin/mail-setup.js\`; on a shared machine the CPU column is the steadier figure.\n`
  const base = text.includes(heading) ? text : `${text.trimEnd()}\n\n${intro}`
  const start = base.indexOf(heading)
  // Runs go above the section's own subsections (the silent-host rule), after the earlier runs.
  const at = base.slice(start + heading.length).search(/\n##+ /)
  const end = at < 0 ? base.length : start + heading.length + at
  await writeFile(
    file,
    `${base.slice(0, start)}${base.slice(start, end).trimEnd()}\n\n${lines.join('\n')}\n${base.slice(end)}`
  )
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  }
)
