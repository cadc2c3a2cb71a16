// The element tree parseXml (xml.ts) makes, and its readers. Apart from the parser so that code
// reading a tree the build already made (shipped autoconfig files, discovery/built-xml.ts) loads
// without fast-xml-parser.

export type XmlReason = 'bad-xml' | 'xml-dtd' | 'too-large' | 'xml-too-deep' | 'xml-too-slow'

export class XmlError extends Error {
  constructor(
    readonly reason: XmlReason,
    detail: string
  ) {
    super(detail)
    this.name = 'XmlError'
  }
}

/** An element: child elements by local name (always arrays), attributes as `@name`, text as `#text`. */
export interface XmlElement {
  [key: string]: XmlElement[] | string | undefined
}

/** Child elements named `name` (local name, namespace prefix removed). */
export function kids(el: XmlElement | undefined, name: string): XmlElement[] {
  const v = el?.[name]
  if (!Array.isArray(v)) return []
  // Leaf elements with only text come back as strings; wrap them so callers see one shape.
  return v.map((x) => (typeof x === 'string' ? { '#text': x } : x)) as XmlElement[]
}

export function kid(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return kids(el, name)[0]
}

export function textOf(el: XmlElement | undefined): string | undefined {
  const t = el?.['#text']
  return typeof t === 'string' ? t : undefined
}

/** Text of the first child named `name`, trimmed; undefined when absent or empty. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const t = textOf(kid(el, name))?.trim()
  return t ? t : undefined
}

export function attrOf(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.[`@${name}`]
  return typeof v === 'string' ? v : undefined
}
