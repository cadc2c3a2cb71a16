// Export formats grouped the way people look for them, and the one to recommend for each mail
// program the main side found on this computer. Names and details are in the locale files
// (format.<id>.name / .detail), keyed by the format id.
import type { ExportFormatId } from '../../../../shared/account'
import type { ClientId } from '../../../../shared/clients'

export type FormatGroup = 'desktop' | 'phone' | 'terminal' | 'admin'

export const GROUPS: Array<[FormatGroup, ExportFormatId[]]> = [
  [
    'desktop',
    ['thunderbird-userjs', 'evolution', 'claws-mail', 'apple-mobileconfig', 'outlook-prf', 'thunderbird-autoconfig']
  ],
  ['phone', ['thunderbird-qr-png', 'thunderbird-qr-svg', 'k9s']],
  ['terminal', ['mutt', 'aerc', 'mbsync', 'msmtp', 'fetchmail']],
  ['admin', ['card-markdown', 'card-json', 'autodiscover-pox']]
]

/** The file each found program reads, offered beside (or instead of) a direct "Add to …". */
export const CLIENT_FORMAT: Record<ClientId, ExportFormatId> = {
  thunderbird: 'thunderbird-userjs',
  evolution: 'evolution',
  outlook: 'outlook-prf',
  'apple-mail': 'apple-mobileconfig'
}

/** Programs the wizard can write into directly. */
export const DIRECT: ClientId[] = ['thunderbird', 'evolution']
