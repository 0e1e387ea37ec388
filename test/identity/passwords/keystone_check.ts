/**
 * The real Keystone's answer on a password hash, through Debian's /usr/bin/python3 (never a pyenv
 * one). Apart from helpers.ts because even the "is Keystone installed?" probe starts Python.
 * @module
 */

import { spawnSync } from 'node:child_process'
import type { PasswordLengthOptions } from '../../../packages/identity/src/passwords/index.ts'
import type { KeystoneAnswer } from './helpers.ts'

const PYTHON = '/usr/bin/python3'
const CHECKER = new URL('./fixtures/keystone_check_password.py', import.meta.url).pathname

/** `false`, or why the live Keystone tests are skipped. */
export const keystoneMissing: false | string =
  spawnSync(PYTHON, ['-c', 'import keystone.common.password_hashing'], { stdio: 'ignore' })
    .status === 0
    ? false
    : 'python3-keystone (Debian) is not installed: cannot ask Keystone to verify Baton hashes'

/** Runs keystone_check_password.py: Keystone's own answer for each (password, hash, config). */
export function keystoneCheck(
  checks: { password: string; hash: string; config: PasswordLengthOptions }[],
): KeystoneAnswer[] {
  const run = spawnSync(PYTHON, [CHECKER], {
    input: JSON.stringify({ checks }),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  if (run.status !== 0) throw new Error(`keystone_check_password.py failed: ${run.stderr}`)
  return (JSON.parse(run.stdout) as { results: KeystoneAnswer[] }).results
}
