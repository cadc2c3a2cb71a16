// The checkDomain operation: the check itself, and for servers an admin confirmed, the
// files to publish and whether what is live already names them.
import type { Request, Response } from '../../shared/api'
import { redactValue } from '../redact'
import { checkDomain, type DomainCheckDeps } from './health'
import { publishFiles, recheck } from './publish'

export async function domainCheck(
  req: Request<'checkDomain'>,
  deps: DomainCheckDeps
): Promise<Response<'checkDomain'>> {
  const health = redactValue(await checkDomain(req.domain, deps))
  if (!req.servers?.length) return { health }
  return {
    health,
    publish: publishFiles(health.domain, req.servers, req.username ?? 'address'),
    recheck: recheck(health, req.servers)
  }
}
