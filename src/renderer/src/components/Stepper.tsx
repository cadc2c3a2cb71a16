import { useTranslation } from 'react-i18next'
import type { StepId, WizardState } from '../state'
import { useWizard } from '../wizard'

const FOUND: StepId[] = ['address', 'finding', 'protocol', 'signin', 'checking', 'done']
// Settings typed by hand take the place of finding them and choosing IMAP or POP.
const BY_HAND: StepId[] = ['address', 'manual', 'signin', 'checking', 'done']
const NO_MANUAL: StepId[] = ['address', 'manual', 'troubleshoot', 'domain', 'bulk']

function path(s: WizardState): StepId[] {
  return s.step === 'manual' || (s.manual && BY_HAND.includes(s.step)) ? BY_HAND : FOUND
}

/** Where the user is, and the way to manual settings from every step after the address. */
export function Stepper(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, go } = useWizard()
  const steps = path(state)
  const at = steps.indexOf(state.step)
  return (
    <nav className="stepper" aria-label={t('stepper.label')}>
      <ol>
        {steps.map((step, i) => (
          <li
            key={step}
            aria-current={i === at ? 'step' : undefined}
            className={i < at ? 'past' : i === at ? 'current' : 'future'}
          >
            <span className="dot" aria-hidden="true">
              {i + 1}
            </span>
            <span>{t(step === 'manual' ? 'stepper.manualStep' : `stepper.${step}`)}</span>
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
