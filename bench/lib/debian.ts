/**
 * The Debian packages the comparisons need (wrk, the real Keystone, uwsgi with its python3
 * plugin), installed with apt-get when missing and the bench runs as root. Anything that cannot be
 * installed is returned as a reason, so the sections that need it are skipped, not crashed.
 * @module
 */
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

type Need = { readonly what: string; readonly present: () => boolean; readonly packages: string[] }

export function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      // not in this dir
    }
  }
  return false
}

function exists(path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return true
  } catch {
    return false
  }
}

export const NEEDS: Readonly<Record<'wrk' | 'keystone', Need>> = {
  wrk: { what: 'wrk', present: () => onPath('wrk'), packages: ['wrk'] },
  keystone: {
    what: 'Keystone 22 under uwsgi',
    present: () =>
      exists('/usr/bin/keystone-manage') &&
      exists('/usr/bin/keystone-wsgi-public') &&
      exists('/usr/bin/uwsgi') &&
      exists('/usr/lib/uwsgi/plugins/python3_plugin.so'),
    // Not the `keystone` package: it would start a system Keystone on port 5000.
    packages: ['python3-keystone', 'uwsgi', 'uwsgi-plugin-python3'],
  },
}

export type Availability = { readonly wrk: string | null; readonly keystone: string | null }

function aptGet(args: readonly string[], log: (line: string) => void): Promise<boolean> {
  log(`apt-get ${args.join(' ')}`)
  return new Promise((resolve) => {
    execFile(
      'apt-get',
      [...args],
      { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 },
      (error, _stdout, stderr) => {
        if (error !== null) log(`apt-get failed: ${stderr.trim().split('\n').slice(-2).join(' ')}`)
        resolve(error === null)
      },
    )
  })
}

/** Installs what is missing (if allowed and possible); null per need means "available". */
export async function ensureDebianPackages(
  install: boolean,
  log: (line: string) => void,
): Promise<Availability> {
  const missing = Object.values(NEEDS).filter((need) => !need.present())
  const canInstall = install && process.getuid?.() === 0 && onPath('apt-get')
  if (missing.length > 0 && canInstall) {
    const packages = missing.flatMap((need) => need.packages)
    const installArgs = ['install', '-y', '--no-install-recommends', ...packages]
    // A fresh machine's package lists may be empty or stale: update once, then retry.
    if (!(await aptGet(installArgs, log))) {
      if (await aptGet(['update'], log)) await aptGet(installArgs, log)
    }
  }
  const reason = (need: Need): string | null => {
    if (need.present()) return null
    const how = `apt-get install ${need.packages.join(' ')}`
    if (!install) return `${need.what} not installed (--no-install): ${how}`
    return canInstall
      ? `${need.what} could not be installed: ${how}`
      : `${need.what} not installed and the bench is not root: ${how}`
  }
  return { wrk: reason(NEEDS.wrk), keystone: reason(NEEDS.keystone) }
}
