import { useEffect, useRef, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Diagnosis } from '../../../shared/diagnosis'
import { Ltr, ltrValue } from './Ltr'
import { formatDate } from './format'
import { usePolicy } from '../policy/context'
import { SupportContact } from '../policy/SupportContact'

const DATE_PARAMS = ['validTo', 'validFrom']

/** What happened, what to do and what to ask an admin, from the diagnosis catalog. */
interface Props {
  diagnosis: Diagnosis
  children?: ReactNode
  headingId?: string
  /** Move focus to the card's heading when it appears (it replaced the control that had focus). */
  focus?: boolean
}

export function DiagnosisCard({ diagnosis, children, headingId, focus }: Props): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const heading = useRef<HTMLHeadingElement>(null)
  // Whom to ask, as the organisation's policy names them: on every card.
  const policy = usePolicy()
  const support = policy.active ? policy.support : undefined
  useEffect(() => {
    if (focus) heading.current?.focus()
  }, [focus])
  const params: Record<string, string> = {
    host: diagnosis.host ?? '',
    port: diagnosis.port !== undefined ? String(diagnosis.port) : '',
    protocol: diagnosis.protocol ? t(`protocol.${diagnosis.protocol}`) : '',
    ...diagnosis.params
  }
  // Dates travel as ISO strings; a person reads them as their language writes dates.
  for (const k of DATE_PARAMS) if (params[k]) params[k] = formatDate(params[k], i18n.language)
  // In right-to-left text a host name or fingerprint is isolated (FSI … PDI), as <bdi> does.
  for (const k of Object.keys(params)) if (!DATE_PARAMS.includes(k)) params[k] = ltrValue(params[k] ?? '', i18n.dir())
  const text = (part: 'title' | 'what' | 'todo' | 'admin'): string =>
    t(`diagnosis:${diagnosis.code}.${part}`, {
      ...params,
      defaultValue: t(`diagnosisFallback.${part}`, { code: diagnosis.code })
    })
  const admin = text('admin')
  return (
    <section
      className={`diagnosis ${diagnosis.userFixable ? 'fixable' : 'not-fixable'}`}
      aria-labelledby={headingId ?? 'diagnosis-title'}
    >
      <h2 id={headingId ?? 'diagnosis-title'} ref={heading} tabIndex={focus ? -1 : undefined}>
        {text('title')}
      </h2>
      {diagnosis.host && (
        <p className="where">
          <Ltr>
            {diagnosis.host}
            {diagnosis.port !== undefined ? `:${diagnosis.port}` : ''}
          </Ltr>
        </p>
      )}
      <h3>{t('diagnosisCard.what')}</h3>
      <p>{text('what')}</p>
      {diagnosis.serverSays && (
        <>
          <h3>{t('diagnosisCard.serverSays')}</h3>
          <pre className="server-says" dir="ltr">
            {diagnosis.serverSays}
          </pre>
        </>
      )}
      <h3>{t('diagnosisCard.todo')}</h3>
      <p>{text('todo')}</p>
      {admin && (
        <>
          <h3>{t('diagnosisCard.admin')}</h3>
          <p>{admin}</p>
        </>
      )}
      {support && (
        <div className="support">
          <h3>{t('policy.support.card', { organisation: ltrValue(policy.organisation ?? '', i18n.dir()) })}</h3>
          <SupportContact support={support} />
        </div>
      )}
      {children && <div className="actions">{children}</div>}
    </section>
  )
}
