// Cancellable runs by id: every long operation registers an AbortController here so
// `cancel({runId})` from any door can stop it.
export class Runs {
  private readonly controllers = new Map<string, AbortController>()

  start(runId: string, deadlineMs?: number): AbortSignal {
    this.controllers.get(runId)?.abort()
    const controller = new AbortController()
    this.controllers.set(runId, controller)
    if (!deadlineMs) return controller.signal
    return AbortSignal.any([controller.signal, AbortSignal.timeout(deadlineMs)])
  }

  end(runId: string): void {
    this.controllers.delete(runId)
  }

  cancel(runId: string): boolean {
    const c = this.controllers.get(runId)
    if (!c) return false
    c.abort(new DOMException('Cancelled by the user', 'AbortError'))
    this.controllers.delete(runId)
    return true
  }
}
