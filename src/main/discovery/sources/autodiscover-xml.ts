// A POX Autodiscover response from its text: the hardened XML parser, then the reader of
// autodiscover.ts (which loads without the parser; it imports this file when an answer comes).
import { parseXml } from '../../xml'
import type { Addr } from '../types'
import { readAutodiscover, type AutodiscoverAnswer } from './autodiscover'

/** Reads a POX Autodiscover response; throws XmlError for unreadable XML. */
export function parseAutodiscover(xml: string | Buffer, addr: Addr): AutodiscoverAnswer {
  return readAutodiscover(parseXml(xml), addr)
}
