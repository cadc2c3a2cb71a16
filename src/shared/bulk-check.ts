// The wizard's bulk readiness check (the same check as `mail-setup check --csv`): what the
// renderer may know about an accounts list and its results. No password ever appears here:
// the list's password references are resolved on the main side, and a plain password
// column is read there too, only with the admin's explicit consent.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const Verdict = lazySchema(() =>
  z.enum([
    'ready',
    'sign-in-refused',
    'locked-or-limited',
    'needs-confirmation',
    'no-settings',
    'server-problem',
    'no-password'
  ])
)
export type Verdict = z.infer<typeof Verdict>

/** Problems first, in the order a helpdesk works through them; ready rows last (the reports, the page). */
export const VERDICT_ORDER: Verdict[] = [
  'locked-or-limited',
  'sign-in-refused',
  'server-problem',
  'needs-confirmation',
  'no-settings',
  'no-password',
  'ready'
]

/** The largest list the wizard takes (as the CLI); it is sent in pieces and read in main as a stream. */
export const MAX_WIZARD_LIST_BYTES = 64 * 1024 * 1024
/** One piece of a list sent to main, in characters: under the browser door's 1 MiB a request as UTF-8 and JSON. */
export const MAX_WIZARD_PIECE = 200_000

/** What the list asks for before anything runs, so the admin can consent to it. */
export const BulkPreview = lazySchema(() =>
  z.object({
    listId: z.string(),
    fileName: z.string().max(255),
    rows: z.number().int().min(0),
    /** Rows that are not checked (an address that is not one), with the English reason. */
    problems: z.array(z.object({ row: z.number().int(), problem: z.string().max(300) })).max(100),
    /** The list has a plain `password` column: checked only with the admin's opt-in. */
    plainColumn: z.boolean(),
    /** How many rows name each kind of reference (never the value). */
    refs: z.object({
      env: z.number().int(),
      keychain: z.number().int(),
      cmd: z.number().int(),
      plain: z.number().int(),
      none: z.number().int()
    }),
    /** Every distinct command the list would run (exactly as written), for the admin to confirm. */
    commands: z.array(z.string().max(4096)).max(64),
    /** More distinct commands than listed: the wizard refuses such a list. */
    moreCommands: z.boolean(),
    /** The domains whose trusted servers would receive the passwords (first 50). */
    domains: z.array(z.string().max(253)).max(50),
    /**
     * Rows an earlier, stopped check of this same list finished (this session or before the app
     * restarted): Resume checks only the rest, a new start checks every row again.
     */
    earlier: z.number().int().min(1).optional(),
    /** The file could not be read as an accounts list: the line and the English reason. */
    invalid: z.object({ line: z.number().int(), reason: z.string().max(300) }).optional()
  })
)
export type BulkPreview = z.infer<typeof BulkPreview>

/** One checked account, as the CSV report has it (already redacted on the main side). */
export const BulkRow = lazySchema(() =>
  z.object({
    row: z.number().int(),
    address: z.string().max(400),
    verdict: Verdict,
    code: z.string().max(100).optional(),
    incoming: z.string().max(400).optional(),
    outgoing: z.string().max(400).optional(),
    username: z.string().max(400).optional(),
    usernameForm: z.string().max(40).optional(),
    serverSays: z.string().max(400).optional(),
    ms: z.number()
  })
)
export type BulkRow = z.infer<typeof BulkRow>

export const BulkSummary = lazySchema(() =>
  z.object({
    checked: z.number().int(),
    of: z.number().int(),
    ready: z.number().int(),
    interrupted: z.boolean(),
    ms: z.number()
  })
)
export type BulkSummary = z.infer<typeof BulkSummary>

/**
 * A report of a bulk run, written by main as a stream from its state file (it may hold hundreds
 * of thousands of rows): saved where the admin chose (a door with a save dialog), or offered at
 * `download`, a one-time path of the browser door that the page fetches with its token.
 */
export const BulkReport = lazySchema(() =>
  z.object({
    fileName: z.string().max(255),
    saved: z.boolean(),
    path: z.string().max(4096).optional(),
    download: z.string().max(200).optional()
  })
)
export type BulkReport = z.infer<typeof BulkReport>
