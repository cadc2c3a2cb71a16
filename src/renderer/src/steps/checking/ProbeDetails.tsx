import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { Probe, TranscriptLine } from '../../../../shared/verify'
import { CopyButton } from '../../components/CopyButton'
import { Ltr } from '../../components/Ltr'
import { CertificatePanel } from './CertificatePanel'

const DIR: Record<TranscriptLine['dir'], string> = { c: 'C:', s: 'S:', i: '--' }

export function transcriptText(p: Probe): string {
  return p.transcript.map((l) => `${String(Math.round(l.t)).padStart(6)} ${DIR[l.dir]} ${l.text}`).join('\n')
}

/** One probe's evidence: steps with their outcome, certificate, and the redacted transcript. */
export function ProbeDetails({ probe }: { probe: Probe }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const where = `${probe.settings.host}:${probe.settings.port}`
  return (
    <section className="probe-details" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {t(`checking.${probe.role}`)} · {t(`protocol.${probe.settings.protocol}`)} · <Ltr>{where}</Ltr> · {t(`security.${probe.settings.security}`)}
      </h2>
      <ul className="step-info">
        {probe.steps
          .filter((s) => s.info)
          .map((s) => (
            <li key={s.name}>
              {t(`step.${s.name}`)}: <Ltr>{s.info}</Ltr>
            </li>
          ))}
        {probe.usernameForm && (
          <li data-username-form={probe.usernameForm}>{t(`checking.usernameForm.${probe.usernameForm}`, { username: probe.settings.username })}</li>
        )}
        {probe.authMechanisms && probe.authMechanisms.length > 0 && (
          <li>
            {t('checking.mechanisms')}: <Ltr>{probe.authMechanisms.join(' ')}</Ltr>
          </li>
        )}
      </ul>
      {probe.certificate && (
        <>
          <h3>{t('cert.title')}</h3>
          <CertificatePanel cert={probe.certificate} host={probe.settings.host} />
        </>
      )}
      <h3 id={`${id}-t`}>{t('checking.transcript')}</h3>
      <pre className="transcript" dir="ltr" tabIndex={0} aria-labelledby={`${id}-t`}>
        {transcriptText(probe) || t('checking.noTranscript')}
      </pre>
      <CopyButton text={() => transcriptText(probe)} label={t('checking.copyTranscript')} />
    </section>
  )
}
