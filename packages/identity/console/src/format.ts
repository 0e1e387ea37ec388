/**
 * Durations and times as an operator reads them: "2 h 5 min", "in 40 min", UTC timestamps.
 * @module
 */

export function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/** "in 5 min" / "5 min ago", relative to `now` (ms). */
export function relative(at: number, now: number): string {
  const seconds = (at - now) / 1000
  if (Math.abs(seconds) < 1) return 'now'
  return seconds > 0 ? `in ${duration(seconds)}` : `${duration(seconds)} ago`
}

/** "2030-01-01 12:00 UTC" (seconds dropped: rotations are planned in minutes). */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}
