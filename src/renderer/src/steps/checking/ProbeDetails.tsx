import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { Probe, TranscriptLine } from '../../../../shared/verify'
import { CopyButton } from '../../components/CopyButton'
import { Ltr, ltrValue } from '../../components/Ltr'
import { stepInfo } from './stepInfo'
import { SMTP_RELAY_PORT } from '../../../../shared/ports'

const DIR: Record<TranscriptLine['dir'], string> = { c: 'C:', s: 'S:', i: '--' }

export function transcriptText(p: Probe): string {
  return p.transcript.map((l) => `${String(Math.round(l.t)).padStart(6)} ${DIR[l.dir]} ${l.text}`).join('\n')
}

/** One probe's evidence: steps with their outcome, which certificate, and the redacted transcript. */
export function ProbeDetails({ probe }: { probe: Probe }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const id = useId()
  const where = `${probe.settings.host}:${probe.settings.port}`
  return (
    <section className="probe-details" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {t(`checking.${probe.role}`)} · {t(`protocol.${probe.settings.protocol}`)} · <Ltr>{where}</Ltr> ·{' '}
        {t(`security.${probe.settings.security}`)}
      </h3>
      <ul className="step-info">
        {probe.steps.map((s) => {
          const info = stepInfo(s, probe, t, i18n.dir())
          return (
            info && (
              <li key={s.name}>
                {t(`step.${s.name}`)}: {info.technical ? <Ltr>{info.text}</Ltr> : info.text}
              </li>
            )
          )
        })}
        {probe.role === 'outgoing' && probe.settings.port === SMTP_RELAY_PORT && (
          <li data-port25>{t('checking.port25')}</li>
        )}
        {probe.usernameForm && (
          <li data-username-form={probe.usernameForm}>
            {t(`checking.usernameForm.${probe.usernameForm}`, {
              username: ltrValue(probe.settings.username, i18n.dir())
            })}
          </li>
        )}
        {probe.authMechanisms && probe.authMechanisms.length > 0 && (
          <li>
            {t('checking.mechanisms')}: <Ltr>{probe.authMechanisms.join(' ')}</Ltr>
          </li>
        )}
        {probe.certificate && (
          <li>
            {t('cert.fingerprint')}:{' '}
            <code className="fingerprint" dir="ltr">
              {probe.certificate.fingerprint256}
            </code>
          </li>
        )}
      </ul>
      <h4 id={`${id}-t`}>{t('checking.transcript')}</h4>
      <pre className="transcript" dir="ltr" tabIndex={0} aria-labelledby={`${id}-t`}>
        {transcriptText(probe) || t('checking.noTranscript')}
      </pre>
      <CopyButton text={() => transcriptText(probe)} label={t('checking.copyTranscript')} />
    </section>
  )
}
