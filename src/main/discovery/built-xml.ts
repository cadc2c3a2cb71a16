// Shipped autoconfig files as the build parsed them (issue 16): the precompute plugin in
// electron.vite.config.ts parses every file of resources/isp and resources/ispdb with parseXml
// and writes its tree beside the bundle (out/main/xml/<SHA-256 of the file>.json). A start that
// reads one of those files then takes its tree instead of loading and running the XML parser.
// Keyed by the file's bytes, so an edited file is parsed as any other; running from source
// (tests, tsx) the set of built trees is empty.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { XmlElement } from '../xml-tree'
import { SHIPPED_XML } from './shipped-xml'

/** Where the build writes the trees, from where this module's code lies (out/main or out/main/chunks). */
export function builtXmlDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl))
  return join(here, ...(basename(here) === 'chunks' ? ['..'] : []), 'xml')
}

export const xmlKey = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** The tree the build made of exactly these bytes, if it made one. */
export function builtTree(bytes: Buffer, dir = builtXmlDir()): XmlElement | undefined {
  if (!SHIPPED_XML.size) return undefined
  const key = xmlKey(bytes)
  if (!SHIPPED_XML.has(key)) return undefined
  try {
    return JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as XmlElement
  } catch {
    // A build folder without its trees (copied in part): the file is parsed as any other.
    return undefined
  }
}
