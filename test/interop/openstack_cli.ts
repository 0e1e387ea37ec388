/**
 * Runs the real python-openstackclient (`openstack`) against a Baton server.
 * @module
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'

export const OPENSTACK = '/usr/bin/openstack'

/** A skip reason for node:test, or false when the client is installed. */
export const openstackMissing: string | false = existsSync(OPENSTACK)
  ? false
  : 'python3-openstackclient is not installed (apt-get install python3-openstackclient; .ci/run does)'

export type OpenstackResult = { code: number; stdout: string; stderr: string }

export function openstack(
  args: readonly string[],
  env: Record<string, string>,
): Promise<OpenstackResult> {
  return new Promise((resolve) => {
    execFile(
      OPENSTACK,
      [...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          LANG: 'C.UTF-8',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Runs a command that must succeed and, with `-f json`, returns its parsed output. */
export async function openstackJson<T>(
  args: readonly string[],
  env: Record<string, string>,
): Promise<T> {
  const result = await openstack([...args, '-f', 'json'], env)
  if (result.code !== 0) {
    throw new Error(`openstack ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
  }
  return JSON.parse(result.stdout) as T
}

export async function openstackOk(
  args: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  const result = await openstack(args, env)
  if (result.code !== 0) {
    throw new Error(`openstack ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
  }
  return result.stdout
}
