import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useWizard } from '../wizard'

/** The row of buttons under a step: Back first, then the step's own actions. */
export function StepActions({ children, noBack }: { children?: ReactNode; noBack?: boolean }): React.JSX.Element {
  const { t } = useTranslation()
  const { state, back } = useWizard()
  return (
    <div className="actions">
      {!noBack && state.trail.length > 0 && (
        <button type="button" className="secondary" onClick={back}>
          {t('common.back')}
        </button>
      )}
      <span className="spacer" />
      {children}
    </div>
  )
}
