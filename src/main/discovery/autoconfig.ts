// Mozilla autoconfig files (config-v1.1.xml) from their text: the hardened XML parser, then the
// reader of autoconfig-tree.ts. Stable export for other services: parseAutoconfig(xml, address).
import { parseXml, type XmlLimits } from '../xml'
import { readAutoconfig, type AutoconfigFile } from './autoconfig-tree'
import type { Addr } from './types'

export * from './autoconfig-tree'

/** Parses one config-v1.1.xml document for `address`; throws XmlError or AutoconfigError. */
export function parseAutoconfig(xml: string | Buffer, address: string | Addr, limits?: XmlLimits): AutoconfigFile {
  return readAutoconfig(parseXml(xml, limits), address)
}
