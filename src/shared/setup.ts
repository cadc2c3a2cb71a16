// What a client of the setup session sends: choices, never what main found or verified.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { IncomingProtocol, Pop3Options } from './domain'

export const SetupChoices = lazySchema(() =>
  z
    .object({
      /** A candidate of this session's discovery, by id; default: the best trusted one, else the best. */
      candidateId: z.string().max(200).optional(),
      /** IMAP or POP; default: IMAP when the candidate offers it. */
      protocol: IncomingProtocol.optional(),
      /** Helpdesk: try every incoming server the candidate offers, whatever the protocol. */
      everyProtocol: z.boolean().optional(),
      /** A user name the user typed (replaces the found one; then no other form is tried). */
      username: z.string().max(320).optional(),
      pop3: Pop3Options.optional(),
      /** The user's consent to a candidate nothing vouches for (the wizard's "Use anyway", --accept-untrusted). */
      acceptUntrusted: z.boolean().optional()
    })
    .strict()
)
export type SetupChoices = z.infer<typeof SetupChoices>
