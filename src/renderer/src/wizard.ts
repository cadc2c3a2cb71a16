// The wizard context: state plus the three ways to change it.
import { createContext, useContext } from 'react'
import type { StepId, WizardState } from './state'

export type Patch = Partial<WizardState> | ((s: WizardState) => Partial<WizardState>)

export interface Wizard {
  state: WizardState
  update(patch: Patch): void
  /** Moves to a step, remembering the current one for Back. */
  go(step: StepId, patch?: Patch): void
  back(): void
}

export const WizardContext = createContext<Wizard | null>(null)

export function useWizard(): Wizard {
  const w = useContext(WizardContext)
  if (!w) throw new Error('useWizard outside the wizard')
  return w
}
