// Whom to ask, as the organisation's policy names them: on every error card and in the banner.
// Each way in is shown as text and, where it is safe, a link: mailto: for an address that looks
// like one, tel: for digits, and the support page only over https (the policy file accepts no
// other); anything else stays plain text.
import { useTranslation } from 'react-i18next'
import type { SupportContact as Contact } from '../../../shared/policy'
import { ExternalLink } from '../components/ExternalLink'
import { Ltr } from '../components/Ltr'

const EMAIL = /^[^\s@<>"'\\]+@[^\s@<>"'\\]+$/
const PHONE = /^[0-9+() .-]{3,50}$/

function httpsUrl(url: string): string | undefined {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && !u.username && !u.password ? u.href : undefined
  } catch {
    return undefined
  }
}

/** The support contact as a short list; nothing when the policy names none. */
export function SupportContact({ support }: { support?: Contact }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (!support || !(support.name || support.email || support.phone || support.url)) return null
  const page = support.url ? httpsUrl(support.url) : undefined
  return (
    <ul className="support-contact">
      {support.name && (
        <li>
          {/* The organisation's own words, in its own direction. */}
          <span className="label">{t('policy.support.name')}</span> <bdi>{support.name}</bdi>
        </li>
      )}
      {support.email && (
        <li>
          <span className="label">{t('policy.support.email')}</span>{' '}
          {EMAIL.test(support.email) ? (
            <a href={`mailto:${support.email}`} dir="ltr">
              {support.email}
            </a>
          ) : (
            <Ltr>{support.email}</Ltr>
          )}
        </li>
      )}
      {support.phone && (
        <li>
          <span className="label">{t('policy.support.phone')}</span>{' '}
          {PHONE.test(support.phone) ? (
            <a href={`tel:${support.phone.replace(/[^0-9+]/g, '')}`} dir="ltr">
              {support.phone}
            </a>
          ) : (
            <Ltr>{support.phone}</Ltr>
          )}
        </li>
      )}
      {support.url && (
        <li>
          <span className="label">{t('policy.support.url')}</span>{' '}
          {page ? (
            <ExternalLink href={page}>
              <Ltr>{support.url}</Ltr>
            </ExternalLink>
          ) : (
            <Ltr>{support.url}</Ltr>
          )}
        </li>
      )}
    </ul>
  )
}
