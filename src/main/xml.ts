// Hardened XML reading for files that come from the network or from disk (autoconfig,
// Autodiscover). No DTDs, so no entities beyond the five predefined ones, decoded once (see
// decodeRefs); size, depth
// and time are capped. Every element is returned as arrays so repeats keep their order.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { XmlError, type XmlElement } from './xml-tree'

// The tree's readers live in xml-tree.ts, which loads without the parser (a tree the build made).
export * from './xml-tree'

export interface XmlLimits {
  maxBytes?: number
  maxDepth?: number
  maxMs?: number
}

const DEFAULTS = { maxBytes: 256 * 1024, maxDepth: 32, maxMs: 500 }

/** Parses untrusted XML into a tree of XmlElement; throws XmlError with a reason code. */
export function parseXml(input: string | Buffer, limits: XmlLimits = {}): XmlElement {
  const { maxBytes, maxDepth, maxMs } = { ...DEFAULTS, ...limits }
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length
  if (size > maxBytes) throw new XmlError('too-large', `XML is ${size} bytes, limit ${maxBytes}`)
  const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '')
  // Any DTD is refused outright: it is the door to entity expansion and external fetches.
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(text)) throw new XmlError('xml-dtd', 'XML with a DTD is refused')
  const started = Date.now()
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true })
  if (valid !== true) throw new XmlError('bad-xml', `invalid XML: ${valid.err.msg} (line ${valid.err.line})`)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    textNodeName: '#text',
    // Entities are decoded once, by decodeRefs: the parser decoding &amp; first made
    // `&amp;#10;` a line feed on the second pass.
    processEntities: false,
    tagValueProcessor: (_name: string, value: string) => decodeRefs(value),
    attributeValueProcessor: (_name: string, value: string) => decodeRefs(value),
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth,
    isArray: (_name: string, _jpath: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute
  })
  let tree: unknown
  try {
    tree = parser.parse(text)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    throw new XmlError(/nest/i.test(msg) ? 'xml-too-deep' : 'bad-xml', `invalid XML: ${msg.slice(0, 200)}`)
  }
  if (Date.now() - started > maxMs) throw new XmlError('xml-too-slow', `XML took longer than ${maxMs} ms`)
  return tree as XmlElement
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

// The five predefined entities and numeric references, in one pass: what one decodes is never
// read again, so `&amp;#10;` stays the text "&#10;".
function decodeRefs(s: string): string {
  return s.replace(
    /&(?:#(x[0-9a-f]{1,6}|[0-9]{1,7})|(amp|lt|gt|quot|apos));/gi,
    (m, n: string | undefined, name: string | undefined) => {
      if (name) return PREDEFINED[name] ?? m
      const code = n![0] === 'x' || n![0] === 'X' ? parseInt(n!.slice(1), 16) : parseInt(n!, 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m
    }
  )
}
