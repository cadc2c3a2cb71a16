// Asks the main side whether browser sign-in can work for the chosen settings (a client ID
// exists, shipped or from policy). The wizard offers "Sign in with …" only on a yes.
import { useEffect, useState } from 'react'
import type { Candidate } from '../../../../shared/domain'
import { api } from '../../api'
import { useWizard } from '../../wizard'
import { oauthProviderName, offersOAuth, type ProviderKind } from './hints'

export interface BrowserSignIn {
  /** 'none': these settings name no browser sign-in at all. */
  state: 'none' | 'asking' | 'available' | 'unavailable'
  /** The company whose page would open. */
  provider: string
}

export function useBrowserSignIn(candidate: Candidate | undefined, kind: ProviderKind): BrowserSignIn {
  const offered = offersOAuth(candidate)
  const fallback = candidate && offered ? oauthProviderName(candidate) : ''
  const [answer, setAnswer] = useState<{ for: string; available: boolean; provider: string }>()
  const sessionId = useWizard().state.session?.id ?? ''
  const key = candidate ? `${sessionId}|${candidate.id}|${kind?.id ?? ''}` : ''

  useEffect(() => {
    if (!candidate || !offered) return
    let live = true
    void api.oauthAvailability({ sessionId, candidateId: candidate.id }).then((res) => {
      if (!live) return
      // An answer that did not come is read as "not available": never a button that cannot work.
      // A provider main's sign-in table knows is named as that table says (Google, Microsoft).
      const named = res.ok && res.value.providerId ? res.value.providerName : ''
      setAnswer({
        for: key,
        available: res.ok && res.value.available,
        provider: named || fallback || (res.ok ? res.value.providerName : '')
      })
    })
    return () => {
      live = false
    }
  }, [candidate, offered, kind, key, fallback, sessionId])

  if (!offered) return { state: 'none', provider: '' }
  if (answer?.for !== key) return { state: 'asking', provider: fallback }
  return { state: answer.available ? 'available' : 'unavailable', provider: answer.provider }
}
