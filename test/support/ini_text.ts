/**
 * A config file's text from sections of options, for tests that write keystone.conf-style files:
 * `[section]` then `key = value` lines, any raw `extra` lines after, a newline at the end.
 * @module
 */

export type IniSections = Record<string, Record<string, string | number | boolean>>

export function iniText(sections: IniSections, extra: readonly string[] = []): string {
  const lines: string[] = []
  for (const [name, values] of Object.entries(sections)) {
    lines.push(`[${name}]`)
    for (const [key, value] of Object.entries(values)) lines.push(`${key} = ${String(value)}`)
  }
  return [...lines, ...extra, ''].join('\n')
}
