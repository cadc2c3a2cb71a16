// Mail programs the main side found on this computer, and where an account can be written
// into them directly.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const ClientId = lazySchema(() => z.enum(['thunderbird', 'evolution', 'outlook', 'apple-mail']))
export type ClientId = z.infer<typeof ClientId>

export const ThunderbirdProfile = lazySchema(() =>
  z.object({
    name: z.string().max(300),
    path: z.string().max(4096),
    isDefault: z.boolean(),
    /** Thunderbird is running with this profile (its lock exists): nothing may be written now. */
    inUse: z.boolean()
  })
)
export type ThunderbirdProfile = z.infer<typeof ThunderbirdProfile>

export const DetectedClient = lazySchema(() =>
  z.object({
    id: ClientId,
    profiles: z.array(ThunderbirdProfile).max(50)
  })
)
export type DetectedClient = z.infer<typeof DetectedClient>
