import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { initialState, type StepId, type WizardState } from './state'
import { WizardContext, type Patch, type Wizard } from './wizard'
import { Header } from './components/Header'
import { Stepper } from './components/Stepper'
import { AddressStep } from './steps/address/AddressStep'
import { FindingStep } from './steps/finding/FindingStep'
import { ProtocolStep } from './steps/protocol/ProtocolStep'
import { SignInStep } from './steps/signin/SignInStep'
import { CheckingStep } from './steps/checking/CheckingStep'
import { ManualStep } from './steps/manual/ManualStep'
import { DoneStep } from './steps/done/DoneStep'
import { TroubleshootStep } from './steps/troubleshoot/TroubleshootStep'
import { navigation } from './components/StepHeading'
import { DomainStep } from './helpdesk/domain/DomainStep'
import { BulkStep } from './helpdesk/bulk/BulkStep'
import { api } from './api'
import { NO_POLICY, PolicyContext } from './policy/context'
import { PolicyNotice } from './policy/PolicyNotice'
import type { PolicyView } from '../../shared/policy'

const STEPS: Record<StepId, () => React.JSX.Element> = {
  address: AddressStep,
  finding: FindingStep,
  protocol: ProtocolStep,
  signin: SignInStep,
  checking: CheckingStep,
  manual: ManualStep,
  done: DoneStep,
  troubleshoot: TroubleshootStep,
  domain: DomainStep,
  bulk: BulkStep
}

function apply(s: WizardState, patch: Patch | undefined): WizardState {
  if (!patch) return s
  return { ...s, ...(typeof patch === 'function' ? patch(s) : patch) }
}

/**
 * Enters a step. A typed password is needed only by the check that follows the sign-in (or
 * helpdesk) form; going anywhere else drops it, so it never waits in the renderer's state.
 */
function enter(s: WizardState, step: StepId, trail: StepId[]): WizardState {
  return { ...s, step, trail, ...(step === 'checking' ? {} : { password: '' }) }
}

export function App(): React.JSX.Element {
  const { t } = useTranslation()
  const [state, setState] = useState<WizardState>(initialState)
  const [policy, setPolicy] = useState<PolicyView>(NO_POLICY)

  // The organisation's policy, once: main enforces it whatever the page shows; this shows it.
  useEffect(() => {
    void api.policySummary({}).then((res) => res.ok && setPolicy(res.value))
  }, [])

  const update = useCallback((patch: Patch) => setState((s) => apply(s, patch)), [])
  const go = useCallback((step: StepId, patch?: Patch) => {
    navigation.moved = true
    setState((s) => {
      const next = apply(s, patch)
      if (next.step === step) return next
      return enter(next, step, [...next.trail, next.step])
    })
    history.pushState({ step }, '')
  }, [])
  const back = useCallback(() => history.back(), [])

  // The browser's (and the keyboard's) back and forward move between steps too.
  useEffect(() => {
    history.replaceState({ step: 'address' }, '')
    const onPop = (e: PopStateEvent): void => {
      const target = (e.state as { step?: StepId } | null)?.step ?? 'address'
      navigation.moved = true
      setState((s) => {
        const at = s.trail.lastIndexOf(target)
        if (at >= 0) return enter(s, target, s.trail.slice(0, at))
        if (target === s.step) return s
        return enter(s, target, [...s.trail, s.step])
      })
    }
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])

  const wizard: Wizard = useMemo(() => ({ state, update, go, back }), [state, update, go, back])
  const Step = STEPS[state.step]

  return (
    <PolicyContext.Provider value={policy}>
      <WizardContext.Provider value={wizard}>
        <a className="skip-link" href="#main">
          {t('app.skip')}
        </a>
        <Header />
        <div className="layout">
          <PolicyNotice />
          <Stepper />
          <main id="main" className="step" key={state.step}>
            <Step />
          </main>
        </div>
      </WizardContext.Provider>
    </PolicyContext.Provider>
  )
}
