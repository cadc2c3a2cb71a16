// The CLI's homoglyph notice: a domain whose ASCII (punycode) form differs is shown in both
// forms, and a label mixing scripts (UTS #39) is named, before anything is looked up.
import { parseAddress } from '../../shared/address'
import { domainNotice } from '../../shared/domain-safety'
import { term } from '../../shared/escape'

export function domainWarning(address: string): string | undefined {
  const parsed = parseAddress(address)
  if (!parsed.ok) return undefined
  const notice = domainNotice(parsed.domain, parsed.asciiDomain)
  if (!notice) return undefined
  const lines: string[] = []
  if (notice.unicode !== notice.ascii) lines.push(term`Domain: ${notice.unicode} (ASCII form ${notice.ascii})`)
  for (const m of notice.mixed)
    lines.push(
      term`WARNING: "${m.label}" mixes ${m.scripts.join(' and ')} letters, which can imitate another domain. Check that it is the domain you meant.`
    )
  return lines.join('\n')
}
