// Passwords the user typed in this session, kept in main only, so the renderer never gets
// them back and does not have to send them twice. Cleared when the process ends.
import { holdSecret } from './redact'

export class SessionSecrets {
  private readonly passwords = new Map<string, { password: string; release(): void }>()

  /** Keeps the password (and its redaction) until another replaces it or clear(). */
  setPassword(address: string, password: string): void {
    const key = address.toLowerCase()
    const before = this.passwords.get(key)
    if (before?.password === password) return
    this.passwords.set(key, { password, release: holdSecret(password) })
    before?.release()
  }

  getPassword(address: string): string | undefined {
    return this.passwords.get(address.toLowerCase())?.password
  }

  clear(address: string): void {
    const key = address.toLowerCase()
    this.passwords.get(key)?.release()
    this.passwords.delete(key)
  }
}
