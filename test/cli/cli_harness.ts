/**
 * Runs `baton` in-process with captured output, a fixed environment and an injectable clock.
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CliIo, main } from '@baton/cli'

export type CliRun = { status: number; stdout: string; stderr: string }

export async function runBaton(
  args: readonly string[],
  options: { now?: () => number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: options.env ?? {},
    now: options.now ?? Date.now,
    debug: false,
  }
  const status = await main(args, io)
  return { status, stdout: out.join('\n'), stderr: err.join('\n') }
}

/** A scratch directory with a keystone.conf pointing at a key repository inside it. */
export function scratchConfig(lines: readonly string[]): {
  dir: string
  conf: string
  keys: string
} {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'))
  const keys = join(dir, 'fernet-keys')
  const conf = join(dir, 'keystone.conf')
  writeFileSync(conf, ['[fernet_tokens]', `key_repository = ${keys}`, ...lines, ''].join('\n'))
  return { dir, conf, keys }
}
