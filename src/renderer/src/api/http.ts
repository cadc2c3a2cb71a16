// Browser-mode transport: POST /api/op/<name> for operations, a streamed NDJSON response
// from /api/events for events. The per-run token arrives once in the URL fragment (never
// sent to a server, never in a Referer), is kept for this tab only, and goes in a header.
import type { EventName, EventPayload, MailSetupApi, Result } from '../../../shared/api'
import { EVENT_NAMES, OPERATION_NAMES } from '../../../shared/api-names'
import { diagnose } from '../../../shared/diagnosis-catalog'

const TOKEN_KEY = 'mail-setup-token'

function takeToken(): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash)
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1])
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

type Listener = (payload: unknown) => void

/**
 * A file main offered at `path` (a bulk report, made as a stream), fetched once with this tab's
 * token into a Blob: the browser holds its bytes, the page never has it as one string.
 */
export async function fetchDownload(path: string): Promise<Blob> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` } })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return res.blob()
}

export function createHttpApi(): MailSetupApi {
  const token = takeToken()
  const listeners = new Map<EventName, Set<Listener>>()
  let streaming = false

  async function call(name: string, request: unknown): Promise<Result<unknown>> {
    try {
      const res = await fetch(`/api/op/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request ?? {})
      })
      if (!res.ok) {
        return { ok: false, error: diagnose('internal', { detail: `HTTP ${res.status}` }) }
      }
      return (await res.json()) as Result<unknown>
    } catch (err) {
      return { ok: false, error: diagnose('internal', { detail: String(err) }) }
    }
  }

  async function stream(): Promise<void> {
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: { authorization: `Bearer ${token}` } })
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let nl: number
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl)
            buffer = buffer.slice(nl + 1)
            if (!line.trim()) continue
            const { event, payload } = JSON.parse(line) as { event: EventName; payload: unknown }
            listeners.get(event)?.forEach((l) => l(payload))
          }
        }
      } catch {
        // The server went away or restarted: wait a moment and reconnect.
      }
      await new Promise((r) => setTimeout(r, 1000))
    }
  }

  const api = Object.fromEntries(
    OPERATION_NAMES.map((name) => [name, (req: unknown) => call(name, req)])
  ) as unknown as MailSetupApi
  api.on = <K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`)
    if (!streaming) {
      streaming = true
      void stream()
    }
    const set = listeners.get(event) ?? new Set<Listener>()
    set.add(listener as Listener)
    listeners.set(event, set)
    return () => set.delete(listener as Listener)
  }
  return api
}
