/**
 * Turns a failed call to the next service into the reason a resource is put in error: the kit's
 * message already names the hop (`volume -> image GET /v2/images/…/file: 401 …`); a 401 from a sender
 * that sends no service token also says why the chain broke. Used by every service that calls on.
 * @module
 */
import { HttpError } from '@baton/client'

/** The HTTP status somewhere in the error's cause chain, if any. */
export function statusOf(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HttpError) return e.status
  }
  return undefined
}

/** What the failing sender sent along with the user's token. */
export type SenderFacts = { readonly sendsServiceToken: boolean; readonly delegates: boolean }

export function failureReason(error: unknown, sender: SenderFacts): string {
  const message = error instanceof Error ? error.message : String(error)
  if (statusOf(error) !== 401) return message
  if (!sender.sendsServiceToken) {
    return (
      `${message} (the user's token was refused, typically because it expired during the job, and no ` +
      'service token vouched for it: [service_user] send_service_user_token = false)'
    )
  }
  if (!sender.delegates) {
    return (
      `${message} (the user's token was refused although a service token vouched for it: typically it ` +
      "expired beyond identity's [token] allow_expired_window; [service_user] delegate = true " +
      'binds the job to a delegation instead)'
    )
  }
  return message
}

/**
 * The body of a failed answer (an HttpError's, credentials already scrubbed by the client's
 * Session) as it may appear in a message: the service's own message when the body is an OpenStack
 * fault (`{"itemNotFound": {"message"}}`, Keystone's `{"error": {"message"}}`), so a reason relayed
 * along the chain stays readable; short.
 */
export function shortBody(text: string): string {
  const out = faultMessage(text) ?? text.trim()
  return out.length > 300 ? `${out.slice(0, 300)}…` : out
}

function faultMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as unknown
    if (typeof body !== 'object' || body === null || Object.keys(body).length !== 1)
      return undefined
    const fault = Object.values(body)[0] as { message?: unknown } | null
    return typeof fault?.message === 'string' ? fault.message : undefined
  } catch {
    return undefined
  }
}
