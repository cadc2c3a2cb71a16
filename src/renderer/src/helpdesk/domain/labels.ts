import type { TFunction } from 'i18next'
import type { ServerSettings } from '../../../../shared/domain'

/** "IMAP mail.example.org:993 SSL/TLS" in the reader's words (host and port stay as they are). */
export function serverLabel(t: TFunction, s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string {
  return `${t(`protocol.${s.protocol}`)} ${s.host}:${s.port} ${t(`security.${s.security}`)}`
}
