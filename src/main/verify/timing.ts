// Deadlines and limits for verification. Every step has its own; tests shorten them for
// fakes that never answer, the app uses the defaults.
export interface Timing {
  dnsMs: number
  tcpMs: number
  tlsMs: number
  greetingMs: number
  /** One command and its reply (CAPABILITY, EHLO, CAPA, STARTTLS). */
  commandMs: number
  /** The whole sign-in on the verified connection. */
  authMs: number
  /**
   * How far a better-ranked probe still running may fall behind a verified lower-ranked one,
   * counted from when the winner passed the step it is stuck at (at least 4 round trips of
   * the winner's link, see scheduler.ts). Servers answer a step within a round trip and some
   * milliseconds of work, so a fifth of a second behind at one step means not coming soon.
   */
  graceMs: number
  /**
   * A server that accepted the connection and has not sent its first byte (TLS handshake on an
   * implicit-TLS port, greeting otherwise) after this long is shown as "not answering yet".
   */
  quietMs: number
  /** Happy eyeballs: delay before the next address is tried while one is still connecting. */
  eyeballsMs: number
  /** Connections at once to one host name for one protocol. */
  perHost: number
  /**
   * How long a connection opened ahead of the check (warm.ts) waits, signed out, for a trusted
   * source to name its server before it is closed.
   */
  holdMs: number
}

export const DEFAULT_TIMING: Timing = {
  dnsMs: 4000,
  tcpMs: 6000,
  // A mail server's first bytes follow the connection by a round trip and some milliseconds of
  // work; a few seconds where the server looks up the client's name first. 4 s allows those and
  // lets the verdict on a host that never speaks come within 5 s of the command's start
  // (session.ts gives slow links more: 10 round trips of their TCP connect).
  tlsMs: 4000,
  greetingMs: 4000,
  commandMs: 6000,
  authMs: 15000,
  graceMs: 200,
  quietMs: 1500,
  eyeballsMs: 250,
  perHost: 2,
  holdMs: 15000
}

/** Bytes one probe accepts from a server before giving up (endless or huge replies). */
export const MAX_LINE = 16 * 1024
export const MAX_BYTES = 512 * 1024

export function timingWith(overrides?: Partial<Timing>): Timing {
  return { ...DEFAULT_TIMING, ...(overrides ?? {}) }
}
