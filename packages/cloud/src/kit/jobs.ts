/**
 * Long work that runs after the API call returned, as in OpenStack: a row per job in the service's
 * database (kind, resource, the delegation, progress state), so a restarted service picks up where it
 * stopped. A handler is called again for a job found running at start-up and decides to resume or to
 * end it in ERROR with a reason; a handler that throws ends its job in error, never the process.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { ServiceDatabase } from './database.ts'
import type { Delegation } from './delegation.ts'

export const JOBS_MIGRATION = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  delegation TEXT NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'error')),
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_running ON jobs (status);
`

export type Job = {
  readonly id: string
  readonly kind: string
  readonly resourceId: string
  readonly delegation: Delegation
  /** Handler-owned progress, JSON; `resumed` is true when the job was found running at start-up. */
  readonly state: Record<string, unknown>
  readonly resumed: boolean
}

/**
 * `signal` aborts when the service shuts down: a handler that then rejects leaves its job running, so
 * the next start resumes it (a long copy need not finish before the process may stop).
 */
export type JobHandler = (
  job: Job,
  progress: (state: Record<string, unknown>) => void,
  signal: AbortSignal,
) => Promise<void>

type JobRow = { id: string; kind: string; resource_id: string; delegation: string; state: string }

export class JobRunner {
  readonly #db: ServiceDatabase
  readonly #handlers = new Map<string, JobHandler>()
  readonly #running = new Set<Promise<void>>()
  readonly #onError: (job: Job, error: unknown) => void
  readonly #stopping = new AbortController()

  constructor(db: ServiceDatabase, onError: (job: Job, error: unknown) => void) {
    this.#db = db
    this.#onError = onError
  }

  register(kind: string, handler: JobHandler): void {
    this.#handlers.set(kind, handler)
  }

  start(
    kind: string,
    resourceId: string,
    delegation: Delegation,
    state: Record<string, unknown> = {},
  ): string {
    const id = randomUUID()
    const now = new Date().toISOString()
    this.#db
      .prepare(
        `INSERT INTO jobs (id, kind, resource_id, delegation, state, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(id, kind, resourceId, JSON.stringify(delegation), JSON.stringify(state), now, now)
    this.#launch({ id, kind, resourceId, delegation, state, resumed: false })
    return id
  }

  /** Calls the handler again for every job a previous run left running. */
  resumeAll(): number {
    const rows = this.#db
      .prepare(`SELECT id, kind, resource_id, delegation, state FROM jobs WHERE status = 'running'`)
      .all() as JobRow[]
    for (const row of rows) {
      this.#launch({
        id: row.id,
        kind: row.kind,
        resourceId: row.resource_id,
        delegation: JSON.parse(row.delegation) as Delegation,
        state: JSON.parse(row.state) as Record<string, unknown>,
        resumed: true,
      })
    }
    return rows.length
  }

  /** Shutdown: aborts every handler's signal and waits; interrupted jobs stay running for resumeAll. */
  async stop(): Promise<void> {
    this.#stopping.abort()
    await this.idle()
  }

  /** Resolves when every job started so far has ended (tests, clean shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
  }

  #launch(job: Job): void {
    const handler = this.#handlers.get(job.kind)
    const progress = (state: Record<string, unknown>) => {
      this.#db
        .prepare('UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(state), new Date().toISOString(), job.id)
    }
    const finish = (status: 'done' | 'error', error: string | null) => {
      // the token is no longer needed once the job has ended: do not keep it at rest
      this.#db
        .prepare(
          `UPDATE jobs SET status = ?, error = ?, delegation = '{}', updated_at = ? WHERE id = ?`,
        )
        .run(status, error, new Date().toISOString(), job.id)
    }
    const run = (async () => {
      if (handler === undefined) throw new Error(`no handler for job kind ${job.kind}`)
      await handler(job, progress, this.#stopping.signal)
    })().then(
      () => finish('done', null),
      (error: unknown) => {
        // interrupted by shutdown: the row stays running (delegation kept) and resumes at the next start
        if (this.#stopping.signal.aborted) return
        finish('error', error instanceof Error ? error.message : String(error))
        this.#onError(job, error)
      },
    )
    this.#running.add(run)
    void run.finally(() => this.#running.delete(run))
  }
}
