/**
 * The local cloud's passwords: generated once, kept in `<data dir>/secrets.json` (mode 0600), reused
 * on later runs. The admin password is also in `admin-password` for people and scripts.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVICE_INFO, SERVICES } from './plan.ts'

export type CloudSecrets = {
  readonly admin: string
  readonly users: Readonly<Record<string, string>>
}

function password(): string {
  return randomBytes(18).toString('base64url')
}

export function loadOrCreateSecrets(dataDir: string): CloudSecrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as CloudSecrets
  const legacy = join(dataDir, 'admin-password')
  const admin = existsSync(legacy) ? readFileSync(legacy, 'utf8').trim() : password()
  const users = Object.fromEntries(SERVICES.map((s) => [SERVICE_INFO[s].user, password()]))
  const secrets: CloudSecrets = { admin, users }
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  if (!existsSync(legacy)) writeFileSync(legacy, `${admin}\n`, { mode: 0o600 })
  return secrets
}
