import type { Ref } from 'react'
import { useTranslation } from 'react-i18next'
import type { AddressProblem } from '../../../shared/address'

interface Props {
  id: string
  value: string
  onChange: (value: string) => void
  /** Shown (and announced) instead of the hint when set. */
  problem?: AddressProblem
  hint?: string
  onBlur?: () => void
  inputRef?: Ref<HTMLInputElement>
}

/** The email address input of the address and helpdesk steps: same label, keyboard and problems. */
export function AddressField({ id, value, onChange, problem, hint, onBlur, inputRef }: Props): React.JSX.Element {
  const { t } = useTranslation()
  const note = problem ? `${id}-problem` : hint ? `${id}-hint` : undefined
  return (
    <div className="field">
      <label htmlFor={id}>{t('address.address')}</label>
      <input
        ref={inputRef}
        id={id}
        type="text"
        inputMode="email"
        autoComplete="email"
        spellCheck={false}
        autoCapitalize="off"
        dir="ltr"
        value={value}
        aria-invalid={Boolean(problem)}
        aria-describedby={note}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      {problem ? (
        <p id={note} className="problem" role="alert">
          {t(`address.problem.${problem}`)}
        </p>
      ) : (
        hint && (
          <p id={note} className="hint">
            {hint}
          </p>
        )
      )}
    </div>
  )
}
