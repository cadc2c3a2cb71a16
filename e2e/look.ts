// Checks of how a page reads, shared by the specs: nothing scrolls sideways, no internal code
// or English word in a translated page, and the page's height for the figures.
import type { Page } from '@playwright/test'
import { DiagnosisCode } from '../src/shared/diagnosis'

/** Elements wider than their box: the page itself, and the boxes that must never scroll sideways. */
export async function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const wide = (el: Element): boolean => el.scrollWidth > el.clientWidth + 1
    const out: string[] = []
    if (wide(document.documentElement))
      out.push(`page ${document.documentElement.scrollWidth}px in ${document.documentElement.clientWidth}px`)
    for (const el of document.querySelectorAll(
      '.matrix-wrap, .trust, .cert, .certificates, .diagnosis, .export, .settings-card'
    )) {
      if ((el as HTMLElement).offsetParent !== null && wide(el))
        out.push(`${el.className} ${el.scrollWidth}px in ${el.clientWidth}px`)
    }
    return out
  })
}

/** Names that stay in Latin letters in every language (products, protocols, providers). */
const NAMES =
  /^(Mail|Setup|IMAP|POP|POP3|SMTP|SSL|TLS|STARTTLS|SHA|SHA-256|OAuth|OAuth2|HTTP|DNS|NTLM|Kerberos|GSSAPI|Thunderbird|Android|Evolution|Outlook|Apple|Mac|iPhone|iPad|Betterbird|Microsoft|Google|Yahoo|AOL|iCloud|Exchange|Autodiscover|GNOME|KMail|mutt|aerc|mbsync|isync|msmtp|fetchmail|Claws|JSON|Markdown|XML|QR|PNG|SVG|Windows|Linux|macOS|Betterbird|NODE_EXTRA_CA_CERTS|MAIL_SETUP_EXTRA_CA|Caps|Lock|English|user\.js|prefs\.js|config-v1\.1\.xml|K-9|neomutt|notmuch|mu|git|send-email|ms)$/

/** The visible text of the page outside what is technical by nature (host names, addresses,
 * fingerprints, transcripts: all shown left to right in bdi, code or pre). */
async function readableText(page: Page, within = 'body'): Promise<string[]> {
  return page.evaluate((within) => {
    const out: string[] = []
    const skip = (el: Element): boolean =>
      Boolean(el.closest('bdi, [dir="ltr"], code, pre, select, .visually-hidden, [hidden], script, style'))
    for (const root of document.querySelectorAll(within)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement
        if (!el || skip(el) || (el.offsetParent === null && getComputedStyle(el).position !== 'fixed')) continue
        if (n.textContent?.trim()) out.push(n.textContent)
      }
    }
    return out
  }, within)
}

/** Latin-letter words in the readable text of a translated page (or of the parts `within` selects), but names. */
export async function untranslatedWords(page: Page, within = 'body'): Promise<string[]> {
  // Text isolated left to right inside a sentence (FSI … PDI, as <bdi>) is technical: host names, fingerprints.
  const words = (await readableText(page, within))
    .map((t) => t.replace(/\u2068[^\u2069]*\u2069/g, ' '))
    .flatMap((t) => t.match(/[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z]/g) ?? [])
  return [...new Set(words.filter((w) => w.length > 1 && !NAMES.test(w)))]
}

/** Diagnosis codes (cert-wrong-host, tls-failed…) and raw ISO dates in the readable text. */
export async function internalCodes(page: Page): Promise<string[]> {
  const text = (await readableText(page)).join(' ')
  const codes = DiagnosisCode.options.filter(
    (c) => c.includes('-') && new RegExp(`(^|[^\\w-])${c}($|[^\\w-])`).test(text)
  )
  return [...codes, ...(text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g) ?? [])]
}

export async function pageHeight(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollHeight)
}
