/**
 * What `baton up` prints once the cloud answers: the URLs (the operator console's too), an `OS_*` block for openstackclient, a
 * few commands to try, and where the configs, logs, audit trail and keys are.
 * @module
 */
import { join } from 'node:path'
import type { CliIo } from '../io.ts'
import { auditTrailPath, PROGRAMS, SERVICE_FACTS, SERVICES, urlOf } from './plan.ts'
import type { LocalCloud } from './start_cloud.ts'

export function printUsage(io: CliIo, cloud: LocalCloud, firstRun: boolean): void {
  const { plan } = cloud
  const identityUrl = urlOf(plan, 'identity')
  io.out(`${firstRun ? 'Created' : 'Reusing'} the local cloud in ${plan.dataDir}`)
  io.out('')
  io.out(`  identity  ${identityUrl}/v3`)
  io.out(`  console   ${identityUrl}/console/   (log in as admin, project empty: the Keys view)`)
  for (const service of SERVICES) {
    io.out(
      `  ${service.padEnd(8)}  ${urlOf(plan, service)}   (${SERVICE_FACTS[service].catalog.type})`,
    )
  }
  io.out('')
  io.out('Use it with openstackclient:')
  io.out('')
  io.out(`  export OS_AUTH_URL=${identityUrl}/v3`)
  io.out('  export OS_IDENTITY_API_VERSION=3')
  io.out('  export OS_USERNAME=admin')
  io.out(`  export OS_PASSWORD=${cloud.secrets.admin}`)
  io.out('  export OS_PROJECT_NAME=admin')
  io.out('  export OS_USER_DOMAIN_NAME=Default')
  io.out('  export OS_PROJECT_DOMAIN_NAME=Default')
  io.out('  export OS_REGION_NAME=RegionOne')
  if (plan.tls !== undefined) io.out(`  export OS_CACERT=${plan.tls.caFile}`)
  io.out('  openstack catalog list')
  io.out(
    '  openstack image create --file README.md --disk-format raw --container-format bare readme',
  )
  io.out('  openstack volume create --image readme --size 1 vol1')
  io.out('  openstack server create --flavor 1 --image readme --boot-from-volume 1 --wait srv1')
  io.out('')
  io.out(`Configs: ${plan.dataDir}/{identity,compute,volume,image,object}.conf`)
  io.out(
    `Logs:    ${join(plan.dataDir, 'logs')}/  (identity.log, ${SERVICES.map((s) => `${s}.log`).join(', ')})`,
  )
  io.out(`Audit:   ${auditTrailPath(plan)}   (one JSON line per delegated call)`)
  io.out(
    `Check:   npx baton doctor ${PROGRAMS.map((p) => `--config-file ${join(plan.dataDir, `${p}.conf`)}`).join(' ')}${plan.tls === undefined ? '' : ` --os-cacert ${plan.tls.caFile}`}`,
  )
  if (plan.tls !== undefined) {
    io.out(
      `CA:      ${plan.tls.caFile}   (every program serves HTTPS with a certificate it signed)`,
    )
  }
  io.out(`Keys:    npx baton keys status --config-file ${join(plan.dataDir, 'identity.conf')}`)
  io.out(
    `Health:  ${identityUrl}/healthcheck answers OK (every service too; touch ${join(plan.dataDir, '<program>.drain')} to drain one: 503)`,
  )
  io.out(`Metrics: ${identityUrl}/metrics (every service too; Prometheus text, from loopback only)`)
  io.out('Ctrl-C stops everything.')
}
