/**
 * `/metrics` with `[DEFAULT] workers > 1`: whichever worker the scrape reaches answers with the
 * sum over all workers, so one scrape sees the whole server, as with one process. The worker asks
 * the primary over the cluster IPC channel; the primary gathers every worker's figures with
 * prom-client's AggregatorRegistry (counters and histograms summed; the gauges that describe the
 * shared key repository and fleet rather than the process take the first worker's value) and
 * sends the text back. A worker that gets no answer in time (a worker stuck, the primary busy)
 * answers with its own figures under a comment line saying so, rather than leaving the scrape
 * hanging.
 * @module
 */
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

const SCRAPE = 'baton:metrics:scrape'
const AGGREGATE = 'baton:metrics:aggregate'

/** How long a worker waits for the aggregate before answering with its own figures. */
export const WORKER_SCRAPE_TIMEOUT_MS = 3000

type ScrapeMessage = { readonly type: typeof SCRAPE; readonly id: number }
type AggregateMessage = {
  readonly type: typeof AGGREGATE
  readonly id: number
  readonly text?: string
  readonly error?: string
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === type &&
    typeof (message as { id?: unknown }).id === 'number'
  )
}

let serving = false

/** In the primary: answers the workers' scrapes with the aggregate of every worker. Once. */
export function serveClusterMetrics(): void {
  if (serving || !cluster.isPrimary) return
  serving = true
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<ScrapeMessage>(message, SCRAPE)) return
    const reply = (answer: Omit<AggregateMessage, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: AGGREGATE, id: message.id, ...answer })
    }
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    )
  })
}

/**
 * In a worker: how it answers a scrape. Sets up prom-client's worker side (the primary's requests
 * for this worker's figures are answered from `registry`) and returns the reader /metrics calls.
 */
export function clusterMetricsReader(
  registry: Registry,
  timeoutMs = WORKER_SCRAPE_TIMEOUT_MS,
): () => Promise<string> {
  new AggregatorRegistry() // registers the worker's listener for the primary's requests
  AggregatorRegistry.setRegistries([registry])
  const pending = new Map<number, (answer: AggregateMessage) => void>()
  let next = 0
  process.on('message', (message: unknown) => {
    if (isMessage<AggregateMessage>(message, AGGREGATE)) pending.get(message.id)?.(message)
  })
  const own = async (reason: string) => {
    const worker = cluster.worker?.id ?? process.pid
    return (
      `# baton: no aggregate of all workers (${reason}); these are worker ${worker}'s own figures\n` +
      (await registry.metrics())
    )
  }
  return async () => {
    if (process.send === undefined) return own('no channel to the primary')
    const id = next++
    const answer = await new Promise<AggregateMessage | undefined>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        resolve(undefined)
      }, timeoutMs)
      pending.set(id, (message) => {
        clearTimeout(timer)
        pending.delete(id)
        resolve(message)
      })
      process.send?.({ type: SCRAPE, id } satisfies ScrapeMessage)
    })
    if (answer === undefined) return own(`the primary did not answer within ${timeoutMs} ms`)
    if (answer.text === undefined) return own(answer.error ?? 'the primary sent nothing')
    return answer.text
  }
}
