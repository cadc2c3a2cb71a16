import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { parseAddress } from '../../../../shared/address'
import { StepHeading, navigation } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { AddressField } from '../../components/AddressField'
import { DomainNotice } from '../../components/DomainNotice'
import { useWizard } from '../../wizard'
import { initialState } from '../../state'

export function AddressStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [touched, setTouched] = useState(false)
  const addressRef = useRef<HTMLInputElement>(null)
  const parsed = parseAddress(state.address)

  // On first start the address field has focus so the user can type at once.
  useEffect(() => {
    if (!navigation.moved) addressRef.current?.focus()
  }, [])

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    if (!parsed.ok) {
      setTouched(true)
      addressRef.current?.focus()
      return
    }
    const address = parsed.address
    // A different address starts over; the same one keeps what was found and chosen.
    const reset =
      address === state.discoveredFor ? {} : { ...initialState, name: state.name, step: state.step, trail: state.trail }
    go('finding', { ...reset, address, helpdesk: false })
  }

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('address.title')}</StepHeading>
      <p className="lead">{t('address.intro')}</p>
      <AddressField
        id="address"
        inputRef={addressRef}
        value={state.address}
        problem={touched && !parsed.ok ? parsed.problem : undefined}
        hint={t('address.addressHint')}
        onChange={(address) => update({ address })}
        onBlur={() => state.address && setTouched(true)}
      />
      {parsed.ok && <DomainNotice id="address-domain" domain={parsed.domain} asciiDomain={parsed.asciiDomain} />}
      <div className="field">
        <label htmlFor="name">{t('address.name')}</label>
        <input
          id="name"
          type="text"
          autoComplete="name"
          value={state.name}
          aria-describedby="name-hint"
          onChange={(e) => update({ name: e.target.value })}
        />
        <p id="name-hint" className="hint">
          {t('address.nameHint')}
        </p>
      </div>
      <StepActions>
        <button type="submit" className="primary">
          {t('common.continue')}
        </button>
      </StepActions>
    </form>
  )
}
