// Passwords the user typed in this session, kept in main only, so the renderer never gets
// them back and does not have to send them twice. Cleared when the process ends.
import { registerSecret } from './redact'

export class SessionSecrets {
  private readonly passwords = new Map<string, string>()

  setPassword(address: string, password: string): void {
    registerSecret(password)
    this.passwords.set(address.toLowerCase(), password)
  }

  getPassword(address: string): string | undefined {
    return this.passwords.get(address.toLowerCase())
  }

  clear(address: string): void {
    this.passwords.delete(address.toLowerCase())
  }
}
