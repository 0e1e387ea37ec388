/**
 * The lines `baton up` says about its config files: which it created or brought up to this run's
 * ports, and which the user edited (kept, with the options where they differ from baton's).
 * @module
 */
import { basename } from 'node:path'
import type { ConfigOutcome } from './config_files.ts'

const MAX_LISTED = 8

function names(outcomes: readonly ConfigOutcome[]): string {
  return outcomes.map((o) => basename(o.file)).join(', ')
}

export function reportConfigs(
  outcomes: readonly ConfigOutcome[],
  progress: (line: string) => void,
): void {
  const created = outcomes.filter((o) => o.action === 'created')
  const updated = outcomes.filter((o) => o.action === 'updated')
  if (created.length > 0) progress(`wrote ${names(created)}`)
  if (updated.length > 0) progress(`updated ${names(updated)} (unedited) to this run's ports`)
  for (const kept of outcomes.filter((o) => o.action === 'kept' && o.differs.length > 0)) {
    const listed = kept.differs.slice(0, MAX_LISTED).join(', ')
    const more =
      kept.differs.length > MAX_LISTED ? ` and ${kept.differs.length - MAX_LISTED} more` : ''
    progress(
      `keeping your edited ${basename(kept.file)}; it differs from what baton up would write in ` +
        `${listed}${more} (delete it to get baton up's)`,
    )
  }
}
