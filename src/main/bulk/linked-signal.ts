// A signal of its own for one piece of a long run (a row, a domain's discovery), aborted when
// the run's signal aborts, and let go of by `done()`. Why not AbortSignal.any([runSignal]):
// Node 20 gives every signal it composes a WeakRef in each source's set of dependants and
// never removes it, even after the composed signal is collected. Everything below a check
// composes signals (each probe step, each discovery source, each DNS question), so one
// long-lived signal under a 10,000-row list kept about 26 WeakRefs a row: 1.5 KB a row for
// the whole run. A piece's signal collects those itself and is dropped with them; the run's
// signal only ever holds one listener per piece still running.
export interface LinkedSignal {
  signal: AbortSignal
  /** Unhooks from the run's signal; the piece's signal is then garbage once its work is. */
  done(): void
}

export function linkedSignal(parent: AbortSignal): LinkedSignal {
  const own = new AbortController()
  if (parent.aborted) {
    own.abort(parent.reason)
    return { signal: own.signal, done: () => undefined }
  }
  const onAbort = (): void => own.abort(parent.reason)
  parent.addEventListener('abort', onAbort, { once: true })
  return { signal: own.signal, done: () => parent.removeEventListener('abort', onAbort) }
}
