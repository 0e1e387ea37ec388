/**
 * What the demo's services counted at /metrics (`baton up` configs turn it on): per receiving
 * service, the expired user tokens its auth middleware let in, by the service user whose token
 * vouched for them (`baton_middleware_expired_tokens_accepted_total{service_user}`). The demo
 * prints it so the story shows the figure an operator would alert on.
 * @module
 */
import { type CloudPlan, SERVICES, urlOf } from '../local_cloud/plan.ts'

const METRIC = 'baton_middleware_expired_tokens_accepted_total'
const SAMPLE = new RegExp(`^${METRIC}\\{service_user="([^"]*)"\\} (\\S+)$`)

export type ExpiredCount = {
  readonly service: string
  readonly serviceUser: string
  readonly count: number
}

/** Every non-zero count, service by service; a service that does not answer is left out. */
export async function expiredAcceptedCounts(plan: CloudPlan): Promise<ExpiredCount[]> {
  const counts: ExpiredCount[] = []
  for (const service of SERVICES) {
    let text: string
    try {
      const answer = await fetch(`${urlOf(plan, service)}/metrics`, {
        signal: AbortSignal.timeout(5000),
      })
      text = answer.ok ? await answer.text() : ''
    } catch {
      continue
    }
    for (const line of text.split('\n')) {
      const match = SAMPLE.exec(line)
      const count = Number(match?.[2])
      if (match?.[1] !== undefined && count > 0) {
        counts.push({ service, serviceUser: match[1], count })
      }
    }
  }
  return counts
}

/** `volume 3 (on nova's word), image 2 (on cinder's word)`; undefined when nothing was counted. */
export function describeExpiredCounts(counts: readonly ExpiredCount[]): string | undefined {
  if (counts.length === 0) return undefined
  return counts.map((c) => `${c.service} ${c.count} (on ${c.serviceUser}'s word)`).join(', ')
}
