import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostException } from '../../../../shared/verify'
import { Ltr } from '../../components/Ltr'
import { useWizard } from '../../wizard'
import { CertificatePanel } from './CertificatePanel'
import { certName, hostsOf, trustGroup, type CertGroup } from './certificates'

/** An explicit choice to trust one certificate, with its fingerprint in view, for every server that showed it. */
export function TrustOffer({
  group,
  onTrust
}: {
  group: CertGroup
  onTrust: (exceptions: HostException[]) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { state } = useWizard()
  const [sure, setSure] = useState(false)
  const id = useId()
  const count = group.places.length

  return (
    <section className="trust" aria-labelledby={`${id}-title`} data-fingerprint={group.cert.fingerprint256}>
      <h2 id={`${id}-title`}>
        {t('trustCert.title')} <Ltr>{certName(group.cert)}</Ltr>
      </h2>
      <p>{t('trustCert.usedBy', { count })}</p>
      <ul className="places">
        {group.places.map(({ host, port }) => (
          <li key={`${host}:${port}`}>
            <Ltr>{`${host}:${port}`}</Ltr>
          </li>
        ))}
      </ul>
      <CertificatePanel cert={group.cert} hosts={hostsOf(group)} />
      <p className="warn-text">{t('trustCert.warning')}</p>
      <div className="check">
        <input id={`${id}-sure`} type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />
        <label htmlFor={`${id}-sure`}>{t('trustCert.confirm', { count })}</label>
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={!sure}
          onClick={() => onTrust(trustGroup(state.exceptions, group))}
        >
          {t('trustCert.button', { count })}
        </button>
      </div>
    </section>
  )
}
