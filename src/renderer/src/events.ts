// One subscription per event kind for the whole app, opened at start-up, fanned out to
// whichever step is listening for its own run id.
import { api } from './api'
import type { EventName, EventPayload } from '../../shared/api'
import { EVENT_NAMES } from '../../shared/api-names'

type Listener<K extends EventName> = (payload: EventPayload<K>) => void
const listeners = new Map<EventName, Set<Listener<never>>>()

export function startEvents(): void {
  for (const name of EVENT_NAMES) {
    api.on(name, (payload) => listeners.get(name)?.forEach((l) => (l as Listener<typeof name>)(payload)))
  }
}

export function onEvent<K extends EventName>(name: K, listener: Listener<K>): () => void {
  const set = listeners.get(name) ?? new Set()
  set.add(listener as Listener<never>)
  listeners.set(name, set)
  return () => set.delete(listener as Listener<never>)
}
