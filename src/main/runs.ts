// Cancellable runs by id: every long operation registers an AbortController here so
// `cancel({runId})` from any door can stop it.
export class Runs {
  private readonly controllers = new Map<string, AbortController>()

  /** A new run under `runId`; one still running under the same id is aborted. */
  start(runId: string): AbortSignal {
    this.controllers.get(runId)?.abort()
    const controller = new AbortController()
    this.controllers.set(runId, controller)
    return controller.signal
  }

  /** Ends the run `signal` belongs to; a newer run under the same id stays cancellable. */
  end(runId: string, signal: AbortSignal): void {
    if (this.controllers.get(runId)?.signal === signal) this.controllers.delete(runId)
  }

  cancel(runId: string): boolean {
    const c = this.controllers.get(runId)
    if (!c) return false
    c.abort(new DOMException('Cancelled by the user', 'AbortError'))
    this.controllers.delete(runId)
    return true
  }
}
