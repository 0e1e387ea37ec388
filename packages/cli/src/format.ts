/**
 * Small text formatting helpers for human-readable CLI output (tables, durations, times).
 * @module
 */

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
}

/** `3d 4h`, `2h 5m`, `40s`: the two largest units, enough to plan a rotation. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = s
  for (const [name, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n}${name}`)
    rest -= n * size
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

/** ISO-8601 UTC to the second, as operators read in logs. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
