import { useId, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import type { HostException, Probe } from '../../../../shared/verify'
import { Ltr } from '../../components/Ltr'
import { useWizard } from '../../wizard'
import { CertificatePanel } from './CertificatePanel'
import { withException } from './run'

/** An explicit, per-host choice to trust one certificate, with its fingerprint in view. */
export function TrustOffer({ probe, onTrust }: { probe: Probe; onTrust: (exceptions: HostException[]) => void }): React.JSX.Element | null {
  const { t } = useTranslation()
  const { state } = useWizard()
  const [sure, setSure] = useState(false)
  const id = useId()
  const cert = probe.certificate
  if (!cert) return null
  const { host, port } = probe.settings
  const where = `${host}:${port}`

  function trust(): void {
    onTrust(withException(state.exceptions, host, port, { fingerprint256: cert!.fingerprint256 }))
  }

  return (
    <section className="trust" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {t('trustCert.title')} <Ltr>{where}</Ltr>
      </h2>
      <CertificatePanel cert={cert} host={host} />
      <p className="warn-text">{t('trustCert.warning')}</p>
      <div className="check">
        <input id={`${id}-sure`} type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />
        <label htmlFor={`${id}-sure`}>
          <Trans i18nKey="trustCert.confirm" values={{ host: where }} components={{ host: <bdi dir="ltr" /> }} />
        </label>
      </div>
      <div className="actions">
        <button type="button" className="secondary" disabled={!sure} onClick={trust}>
          <Trans i18nKey="trustCert.button" values={{ host: where }} components={{ host: <bdi dir="ltr" /> }} />
        </button>
      </div>
    </section>
  )
}
