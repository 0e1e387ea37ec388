/**
 * Test helper: writes config files into a fresh temporary directory.
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Writes each `name: text` pair and returns the paths in the same order. */
export function writeConfigs(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'baton-config-'))
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  })
}
