// What a probe's step found, in the reader's words. Chosen by step name and state (and the
// probe's structured fields), never by the text main wrote: failures show the diagnosis title,
// technical values (addresses, TLS versions, mechanisms) are shown as they are.
import type { TFunction } from 'i18next'
import type { Probe, ProbeStep } from '../../../../shared/verify'
import { ltrValue } from '../../components/Ltr'

export interface StepInfo {
  text: string
  /** Technical text shown left to right as it is. */
  technical: boolean
}

export function stepInfo(step: ProbeStep, probe: Probe, t: TFunction, dir: 'ltr' | 'rtl'): StepInfo | undefined {
  if (step.state === 'failed') {
    const code = probe.diagnosis?.code ?? step.info
    return code
      ? { text: t(`diagnosis:${code}.title`, { defaultValue: t('stepState.failed') }), technical: false }
      : undefined
  }
  if (step.state === 'skipped') {
    if (step.name === 'tls' || step.name === 'certificate')
      return probe.settings.security === 'plain' ? { text: t('stepInfo.notEncrypted'), technical: false } : undefined
    if (step.name === 'auth') return { text: t('stepInfo.authSkipped'), technical: false }
    return undefined
  }
  if (step.state !== 'ok' || !step.info) return undefined
  if (step.name === 'auth')
    return { text: t('stepInfo.signedInAs', { user: ltrValue(probe.settings.username, dir) }), technical: false }
  if (step.name === 'certificate') {
    if (probe.certificate?.trustedByUser) return { text: t('cert.trustedByUser'), technical: false }
    return probe.certificate ? { text: probe.certificate.subject, technical: true } : undefined
  }
  return { text: step.info, technical: true }
}
