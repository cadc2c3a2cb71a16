import { useId, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import type { HostException, Probe } from '../../../../shared/verify'
import { Ltr } from '../../components/Ltr'
import { useWizard } from '../../wizard'
import { offersStartTls, withException } from './run'

/**
 * An explicit, per-host choice to let the password cross an unencrypted connection.
 * Off until the user ticks that they understand; only then is the password sent there.
 */
export function PlaintextOffer({
  probe,
  onAllow
}: {
  probe: Probe
  onAllow: (exceptions: HostException[]) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { state } = useWizard()
  const [sure, setSure] = useState(false)
  const id = useId()
  const { host, port } = probe.settings
  const where = `${host}:${port}`

  return (
    <section className="trust plaintext" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {t('plaintext.title')} <Ltr>{where}</Ltr>
      </h2>
      <p className="warn-text" id={`${id}-warning`}>
        {t('plaintext.warning')}
      </p>
      {offersStartTls(probe) && <p>{t('plaintext.starttls')}</p>}
      <div className="check">
        <input
          id={`${id}-sure`}
          type="checkbox"
          checked={sure}
          aria-describedby={`${id}-warning`}
          onChange={(e) => setSure(e.target.checked)}
        />
        <label htmlFor={`${id}-sure`}>
          <Trans i18nKey="plaintext.confirm" values={{ host: where }} components={{ host: <bdi dir="ltr" /> }} />
        </label>
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={!sure}
          onClick={() => onAllow(withException(state.exceptions, host, port, { allowPlaintext: true }))}
        >
          <Trans i18nKey="plaintext.button" values={{ host: where }} components={{ host: <bdi dir="ltr" /> }} />
        </button>
      </div>
    </section>
  )
}

/** A reminder of every unencrypted sign-in the user allowed, with the way back. */
export function PlaintextAllowed({
  probes,
  onWithdraw
}: {
  probes: Probe[]
  onWithdraw: (exceptions: HostException[]) => void
}): React.JSX.Element | null {
  const { t } = useTranslation()
  const { state } = useWizard()
  const allowed = probes.filter(
    (p) =>
      p.settings.security === 'plain' &&
      state.exceptions.some((e) => e.allowPlaintext && e.host === p.settings.host && e.port === p.settings.port)
  )
  if (allowed.length === 0) return null
  const withdraw = (): void =>
    onWithdraw(
      state.exceptions.flatMap((e) =>
        e.allowPlaintext ? (e.fingerprint256 ? [{ ...e, allowPlaintext: undefined }] : []) : [e]
      )
    )
  return (
    <div className="note warn plaintext-allowed">
      {allowed.map((p) => (
        <p key={p.id}>
          <Trans
            i18nKey="plaintext.allowed"
            values={{ host: `${p.settings.host}:${p.settings.port}` }}
            components={{ host: <bdi dir="ltr" /> }}
          />
        </p>
      ))}
      <button type="button" className="secondary" onClick={withdraw}>
        {t('plaintext.withdraw')}
      </button>
    </div>
  )
}
