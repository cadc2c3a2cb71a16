import { useTranslation } from 'react-i18next'
import { domainNotice } from '../../../shared/domain-safety'

/** Both forms of a domain whose ASCII (punycode) form differs, and a warning on mixed scripts. */
export function DomainNotice({
  id,
  domain,
  asciiDomain
}: {
  id: string
  domain: string
  asciiDomain: string
}): React.JSX.Element | null {
  const { t } = useTranslation()
  const notice = domainNotice(domain, asciiDomain)
  if (!notice) return null
  return (
    <div id={id} className="hint" role="status">
      {notice.unicode !== notice.ascii && (
        <p>
          {t('address.domainFormsLead')} <bdi dir="ltr">{notice.unicode}</bdi> — <bdi dir="ltr">{notice.ascii}</bdi>
        </p>
      )}
      {notice.mixed.map((m) => (
        <p key={m.label} className="problem">
          {t('address.mixedScripts', { scripts: m.scripts.join(' + ') })} <bdi dir="ltr">{m.label}</bdi>
        </p>
      ))}
    </div>
  )
}
