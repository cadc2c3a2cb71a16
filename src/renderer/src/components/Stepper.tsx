import { useTranslation } from 'react-i18next'
import type { StepId } from '../state'
import { useWizard } from '../wizard'

const MAIN: StepId[] = ['address', 'finding', 'protocol', 'signin', 'checking', 'done']
const NO_MANUAL: StepId[] = ['address', 'manual', 'troubleshoot']

/** Where the user is, and the way to manual settings from every step after the address. */
export function Stepper(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, go } = useWizard()
  const current = state.step === 'manual' ? 'finding' : state.step
  const at = MAIN.indexOf(current)
  return (
    <nav className="stepper" aria-label={t('stepper.label')}>
      <ol>
        {MAIN.map((step, i) => (
          <li
            key={step}
            aria-current={step === current ? 'step' : undefined}
            className={i < at ? 'past' : step === current ? 'current' : 'future'}
          >
            <span className="dot" aria-hidden="true">
              {i + 1}
            </span>
            <span>{t(`stepper.${step}`)}</span>
          </li>
        ))}
      </ol>
      {!NO_MANUAL.includes(state.step) && (
        <button type="button" className="secondary manual-link" onClick={() => go('manual')}>
          {t('stepper.manual')}
        </button>
      )}
    </nav>
  )
}
