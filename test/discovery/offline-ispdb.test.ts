// Every domain the ISPDB files name is answered offline: from the shipped copy
// (resources/ispdb) and, for an admin's folder or --isp-dir, from any folder holding them,
// whatever the file is called. Each answer is checked against the file's own servers.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, type Config } from '../../src/main/config'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { indexFolder } from '../../src/main/discovery/folder-index'
import type { ServerSettings, SourceId } from '../../src/shared/domain'
import { discoverOffline } from './offline'

const RESOURCES = resolve(import.meta.dirname, '..', '..', 'resources')
const ISPDB = join(RESOURCES, 'ispdb')
const FILES = readdirSync(ISPDB).filter((f) => f.endsWith('.xml'))

/** Every <domain> element of every file, with the servers that file gives an address there. */
const NAMED = FILES.flatMap((f) => {
  const xml = readFileSync(join(ISPDB, f), 'utf8')
  return parseAutoconfig(xml, 'probe@x.example').domains.map((domain) => ({ file: f, domain, xml }))
})

const key = (s: ServerSettings): string => `${s.protocol}:${s.host}:${s.port}:${s.security}:${s.username}`

async function answeredBy(config: Config, source: SourceId): Promise<string[]> {
  const unanswered: string[] = []
  for (const { file, domain, xml } of NAMED) {
    const address = `jane.doe@${domain}`
    const expected = parseAutoconfig(xml, address)
    const result = await discoverOffline(address, config)
    // The file's own servers, from that source (or merged into a better one with the same servers).
    const want = JSON.stringify([expected.incoming.map(key).sort(), expected.outgoing.map(key).sort()])
    const hit = result.candidates.some(
      (c) => JSON.stringify([c.incoming.map(key).sort(), c.outgoing.map(key).sort()]) === want
    )
    const reported = result.sources.find((s) => s.source === source)
    if (!hit || reported?.state !== 'found')
      unanswered.push(`${domain} (${file}): ${reported?.state} ${reported?.reason ?? ''}`)
  }
  return unanswered
}

describe('offline discovery from the ISPDB files', () => {
  it('names 963 domains in 163 files', () => {
    expect(FILES).toHaveLength(163)
    expect(NAMED).toHaveLength(963)
  })

  it("answers every one of them from the shipped copy, with that file's servers", async () => {
    const config = loadConfig({}, { offline: true, resourcesDir: RESOURCES, ispDirs: [] })
    expect(await answeredBy(config, 'ispdb')).toEqual([])
  })

  it('answers every one of them from an --isp-dir folder, even with the files renamed', async () => {
    // The app's resources without the shipped copy, and the files under names that are no domain.
    const resourcesDir = mkdtempSync(join(tmpdir(), 'resources-'))
    cpSync(join(RESOURCES, 'providers.json'), join(resourcesDir, 'providers.json'))
    const ispDir = mkdtempSync(join(tmpdir(), 'isp-dir-'))
    FILES.forEach((f, i) => cpSync(join(ISPDB, f), join(ispDir, `provider-${i}.xml`)))
    const config = loadConfig({}, { offline: true, resourcesDir, ispDirs: [ispDir] })
    expect(await answeredBy(config, 'local-file')).toEqual([])
  })

  it('sees a file added, renamed or changed since the last run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isp-dir-'))
    expect((await indexFolder(dir)).size).toBe(0)
    const xml = (domains: string[]): string =>
      `<clientConfig version="1.1"><emailProvider id="p">${domains.map((d) => `<domain>${d}</domain>`).join('')}<!-- <domain>commented.example</domain> -->
      <incomingServer type="imap"><hostname>imap.p.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
      </emailProvider></clientConfig>`
    writeFileSync(join(dir, 'a.xml'), xml(['one.example', 'Two.Example']))
    const first = await indexFolder(dir)
    expect([...first.keys()].sort()).toEqual(['a', 'one.example', 'two.example'])
    renameSync(join(dir, 'a.xml'), join(dir, 'b.xml'))
    writeFileSync(join(dir, 'b.xml'), xml(['one.example', 'three.example', 'bücher.example']))
    const second = await indexFolder(dir)
    expect([...second.keys()].sort()).toEqual(['b', 'one.example', 'three.example', 'xn--bcher-kva.example'])
    expect(second.get('three.example')).toEqual([join(dir, 'b.xml')])
  })
})
