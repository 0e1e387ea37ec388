/**
 * The demo's live timeline: one line per event with the seconds since the user's token was issued,
 * and a progress bar redrawn in place on a terminal (printed every 25% otherwise, so logs stay short).
 * @module
 */
import { type Clock, type EpochMs, systemClock } from '@baton/config'

export type TimelineOutput = { line(text: string): void; isTTY: boolean; write(text: string): void }

export class Timeline {
  readonly #out: TimelineOutput
  readonly #start: EpochMs
  readonly #clock: Clock
  #barShown = false
  #lastQuarter = -1

  constructor(out: TimelineOutput, clock: Clock = systemClock) {
    this.#out = out
    this.#clock = clock
    this.#start = clock.now()
  }

  elapsed(): number {
    return (this.#clock.now() - this.#start) / 1000
  }

  event(text: string): void {
    this.eventAt(this.#clock.now(), text)
  }

  /** An event that happened at `time`, e.g. read from the audit trail. */
  eventAt(time: EpochMs, text: string): void {
    this.#clearBar()
    const at = (time - this.#start) / 1000
    this.#out.line(`  t+${at.toFixed(1).padStart(5)}s  ${text}`)
  }

  progress(label: string, fraction: number): void {
    const clamped = Math.max(0, Math.min(1, fraction))
    const width = 30
    const filled = Math.round(clamped * width)
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}%`
    if (this.#out.isTTY) {
      this.#out.write(`\r  t+${this.elapsed().toFixed(1).padStart(5)}s  ${label} ${bar}`)
      this.#barShown = true
      return
    }
    const quarter = Math.floor(clamped * 4)
    if (quarter !== this.#lastQuarter) {
      this.#lastQuarter = quarter
      this.event(`${label} ${bar}`)
    }
  }

  #clearBar(): void {
    if (this.#barShown) {
      this.#out.write('\n')
      this.#barShown = false
    }
  }

  end(): void {
    this.#clearBar()
  }
}
