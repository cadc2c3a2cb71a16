// The user names a password sign-in may try. Where nobody named the user name (guessing, SRV,
// manual settings without one), many servers want the full address and many others (Postfix
// with SASL, Cyrus, Courier, most hosting panels' IMAP) only the local part; Exchange documents
// DOMAIN\user and the UPN (which for most organisations is the address). Two forms at most:
// each refused form is a failed sign-in in the server's lockout count (see signin-gate.ts).
import type { ServerSettings } from '../../shared/domain'
import type { UsernameForm } from '../../shared/verify'

export interface FormToTry {
  form: UsernameForm
  username: string
}

/** A greeting that names Microsoft Exchange (IMAP4, POP3, or its SMTP service). */
export function looksLikeExchange(greeting: string | undefined): boolean {
  return /Microsoft Exchange|Microsoft ESMTP MAIL Service/i.test(greeting ?? '')
}

/** The pre-Windows 2000 domain name Exchange most often has: the domain's first label, upper case. */
export function netbiosGuess(domain: string): string {
  return (domain.split('.')[0] ?? domain).toUpperCase().slice(0, 15)
}

/**
 * The forms to try, in order. A user name the user typed, or a trusted configuration named,
 * is the only form: it is never replaced.
 */
export function usernameForms(settings: ServerSettings, address: string | undefined, greeting?: string): FormToTry[] {
  const given: FormToTry[] = [{ form: 'given', username: settings.username }]
  if (!address || !settings.usernameGuessed || settings.username.toLowerCase() !== address.toLowerCase()) return given
  const at = address.lastIndexOf('@')
  const local = address.slice(0, at)
  const domain = address.slice(at + 1)
  if (!local || !domain) return given
  const second: FormToTry = looksLikeExchange(greeting)
    ? { form: 'exchange-domain-user', username: `${netbiosGuess(domain)}\\${local}` }
    : { form: 'local-part', username: local }
  return [{ form: 'address', username: address }, second]
}
