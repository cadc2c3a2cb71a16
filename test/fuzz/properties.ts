// Fuzz properties for every parser that reads what a server, a file or a user wrote. Each
// must return a value or throw its own typed error, never crash, hang or let a control
// character through where it promised not to. `npm run fuzz` runs each with 10⁵ cases (seed
// printed, `FUZZ_SEED=… npm run fuzz` replays); test/fuzz/fuzz.test.ts runs a short pass in
// `npm test`.
import fc from 'fast-check'
import { parseXml, XmlError } from '../../src/main/xml'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { parseAutodiscover } from '../../src/main/discovery/sources/autodiscover-xml'
import {
  classifyImapAuth,
  classifyPop3Auth,
  classifySmtp,
  parseSmtpReply,
  responseCode
} from '../../src/main/diagnosis/classify'
import { parsePop3Capa } from '../../src/main/verify/pop3'
import { parseAddress } from '../../src/shared/address'
import { forTerminal, toJson } from '../../src/shared/escape'
import { domainNotice } from '../../src/shared/domain-safety'

const addr = parseAddress('user@example.com') as Extract<ReturnType<typeof parseAddress>, { ok: true }>

/** Text with the characters that break parsers: markup, entities, controls, bidi, astral. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        '<',
        '>',
        '&',
        ';',
        '#',
        'x',
        '10',
        '13',
        'amp',
        '"',
        "'",
        '[',
        ']',
        ' ',
        '\r',
        '\n',
        '\x1b',
        '\u202e',
        '\u0085',
        '\u2028',
        'A',
        'OK',
        'NO',
        '-ERR',
        '+OK',
        '*',
        '.',
        '@',
        '%EMAILADDRESS%'
      ),
      { maxLength: 60 }
    )
    .map((a) => a.join(''))
)

/** Autoconfig-shaped documents with hostile text in every field. */
const autoconfigDoc = fc
  .record({
    host: nasty,
    user: nasty,
    port: fc.oneof(nasty, fc.integer({ min: -1, max: 70000 }).map(String)),
    socket: fc.constantFrom('SSL', 'STARTTLS', 'plain', 'x'),
    name: nasty
  })
  .map(
    (f) =>
      `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="e"><displayName>${f.name}</displayName>` +
      `<incomingServer type="imap"><hostname>${f.host}</hostname><port>${f.port}</port><socketType>${f.socket}</socketType><username>${f.user}</username></incomingServer>` +
      `<outgoingServer type="smtp"><hostname>${f.host}</hostname><port>${f.port}</port><socketType>${f.socket}</socketType><username>${f.user}</username></outgoingServer></emailProvider></clientConfig>`
  )

const autodiscoverDoc = fc
  .record({ type: fc.constantFrom('IMAP', 'POP3', 'SMTP', 'EXCH', 'x'), server: nasty, port: nasty, login: nasty })
  .map(
    (f) =>
      `<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>${f.type}</Type><Server>${f.server}</Server><Port>${f.port}</Port><LoginName>${f.login}</LoginName></Protocol></Account></Response></Autodiscover>`
  )

const readsXml = (fn: () => unknown): boolean => {
  try {
    fn()
  } catch (err) {
    // Our own typed refusals only.
    if (!(err instanceof XmlError) && !(err instanceof Error && err.name === 'AutoconfigError')) throw err
  }
  return true
}

const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

export const PROPERTIES: Array<{ name: string; property: fc.IPropertyWithHooks<never> | fc.IProperty<never> }> = [
  { name: 'XML reader: any text', property: fc.property(nasty, (t) => readsXml(() => parseXml(t))) as never },
  {
    name: 'autoconfig reader: hostile fields',
    property: fc.property(autoconfigDoc, (xml) => readsXml(() => parseAutoconfig(xml, addr))) as never
  },
  {
    name: 'Autodiscover reader: hostile fields',
    property: fc.property(autodiscoverDoc, (xml) => readsXml(() => parseAutodiscover(xml, addr))) as never
  },
  {
    name: 'IMAP/POP3 reply classifiers and responseCode',
    property: fc.property(nasty, (line) => {
      responseCode(line)
      classifyImapAuth(line)
      classifyPop3Auth(line)
      return true
    }) as never
  },
  {
    name: 'SMTP reply parser and classifier',
    property: fc.property(
      nasty,
      fc.constantFrom('greeting', 'starttls', 'auth', 'mail', 'rcpt', 'data' as const),
      (text, stage) => {
        const r = parseSmtpReply(text)
        return typeof classifySmtp(r, stage) === 'string'
      }
    ) as never
  },
  {
    name: 'POP3 CAPA parser',
    property: fc.property(fc.array(nasty, { maxLength: 20 }), (lines) =>
      Array.isArray(parsePop3Capa(lines).mechanisms)
    ) as never
  },
  {
    name: 'address parser: never a control or bidi character in an accepted address',
    property: fc.property(
      fc.oneof(
        nasty,
        fc.tuple(nasty, nasty).map(([a, b]) => `${a}@${b}`)
      ),
      (input) => {
        const p = parseAddress(input)
        if (p.ok) {
          if (RAW_CONTROL.test(p.address)) return false
          domainNotice(p.domain, p.asciiDomain)
        }
        return true
      }
    ) as never
  },
  {
    name: 'escaping: terminal output has no control character, JSON reads back the same',
    property: fc.property(
      fc.string({ unit: 'binary', maxLength: 200 }),
      (s) =>
        !RAW_CONTROL.test(forTerminal(s)) &&
        JSON.parse(toJson({ s })).s === s &&
        !RAW_CONTROL.test(toJson({ s }).replace(/\n/g, ''))
    ) as never
  }
]
