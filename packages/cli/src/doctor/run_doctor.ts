/**
 * `runDoctor`: reads every config on its own, runs the chain checks (senders, receivers, service
 * users' roles against every receiver), the identity nodes' key checks, the allow_expired window
 * against the senders' delegation, and Keystone's applicable
 * symptoms, and returns the findings. Identity is asked, never changed.
 * @module
 */

import { clientTlsFromOptions } from '@baton/client'
import { checkDelegation } from './check_delegation.ts'
import { checkIdentityNodes } from './check_keys.ts'
import {
  checkChain,
  checkReceiver,
  checkSender,
  type Receiver,
  type ServiceUser,
} from './check_services.ts'
import { checkSymptoms } from './check_symptoms.ts'
import { readConfigs } from './config_set.ts'
import { type DoctorReport, type FileRoles, Findings } from './findings.ts'
import { identityAsker } from './identity_calls.ts'
import type { ConfigRole, DoctorSettings } from './options.ts'

const ROLE_TEXT: Readonly<Record<ConfigRole, string>> = {
  identity: 'identity node',
  receiver: 'receiver [keystone_authtoken]',
  sender: 'sender [service_user]',
}

export async function runDoctor(settings: DoctorSettings): Promise<DoctorReport> {
  const findings = new Findings()
  const configs = readConfigs(settings.files, findings)
  const tls = clientTlsFromOptions({ cafile: settings.caFile }, 'doctor --os-cacert')
  const asker = identityAsker({
    clock: settings.clock,
    timeoutMs: settings.timeoutMs,
    ...(tls === undefined ? {} : { tls }),
  })
  const senders: ServiceUser[] = []
  const receivers: Receiver[] = []
  for (const c of configs) {
    if (c.roles.has('sender')) {
      const sender = await checkSender(c, asker, findings)
      if (sender !== undefined) senders.push(sender)
    }
    if (c.roles.has('receiver')) receivers.push(await checkReceiver(c, asker, findings))
  }
  checkChain(senders, receivers, findings)
  const nodes = configs.filter((c) => c.roles.has('identity'))
  await checkIdentityNodes(nodes, settings, asker, findings)
  checkDelegation(configs, findings)
  checkSymptoms(configs, findings)
  const files = settings.files.map((file): FileRoles => {
    const loaded = configs.find((c) => c.file === file)
    const order: ConfigRole[] = ['identity', 'receiver', 'sender']
    const kinds = loaded === undefined ? [] : order.filter((role) => loaded.roles.has(role))
    const roles = loaded === undefined ? ['not loaded'] : kinds.map((role) => ROLE_TEXT[role])
    return { file, roles, kinds, loaded: loaded !== undefined }
  })
  return { files, findings: findings.list() }
}
