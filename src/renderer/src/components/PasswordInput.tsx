// A password field with show/hide, the same on the sign-in step and the Exchange offer.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

interface Props {
  id: string
  value: string
  onChange: (value: string) => void
  invalid: boolean
  describedBy: string
}

export function PasswordInput({ id, value, onChange, invalid, describedBy }: Props): React.JSX.Element {
  const { t } = useTranslation()
  const [show, setShow] = useState(false)
  return (
    <div className="password-row">
      <input
        id={id}
        type={show ? 'text' : 'password'}
        autoComplete="current-password"
        spellCheck={false}
        autoCapitalize="off"
        dir="ltr"
        value={value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="button" className="secondary" aria-pressed={show} aria-controls={id} onClick={() => setShow(!show)}>
        {show ? t('signin.hide') : t('signin.show')}
      </button>
    </div>
  )
}
