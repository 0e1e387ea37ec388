/**
 * `baton demo long-job --window 0`: the long job with identity's `[token] allow_expired_window = 0`
 * (no expired user token is ever honoured), told twice. First every sender delegates
 * (`[service_user] delegate = true`): compute binds the boot to a delegation token for volume,
 * image and the object store, volume narrows it for its copy, and the server goes ACTIVE with each
 * hop's actor chain on the timeline. Then the senders send plain service tokens: the first call
 * after the user's token expired is refused, and the server ends in ERROR naming that hop.
 * @module
 */
import type { CliIo } from '../io.ts'
import { configPath, PROGRAMS } from '../local_cloud/plan.ts'
import { removeDemoCloud, runLongJob, type ScenarioResult, startDemoCloud } from './long_job.ts'
import type { TimelineOutput } from './timeline.ts'

export type WindowZeroOutcome = { readonly ok: boolean; readonly kept: readonly string[] }

async function scenario(
  delegate: boolean,
  io: CliIo,
  out: TimelineOutput,
  keep: boolean,
  afterwards?: (result: ScenarioResult) => Promise<void>,
): Promise<ScenarioResult> {
  const cloud = await startDemoCloud(
    { sendServiceUserToken: true, delegate, allowExpiredWindow: 0 },
    io,
  )
  try {
    const result = await runLongJob(cloud, out)
    await afterwards?.(result)
    return result
  } finally {
    await cloud.stop()
    if (!keep) removeDemoCloud(cloud)
  }
}

export async function runWindowZeroStory(
  io: CliIo,
  out: TimelineOutput,
  keep: boolean,
): Promise<WindowZeroOutcome> {
  io.out('Identity sets [token] allow_expired_window = 0: no expired user token is ever honoured.')
  io.out('')
  io.out('1) Senders delegate ([service_user] delegate = true)')
  const first = await scenario(true, io, out, keep)
  // the chain reached every hop after compute on a delegation, and volume's narrowing is visible
  const chains = first.delegationChains
  const firstOk =
    first.status === 'ACTIVE' &&
    first.expiredAcceptedBy.length === 0 &&
    ['volume', 'image', 'object'].every((s) => (chains.get(s)?.length ?? 0) > 0)
  if (firstOk) {
    io.out("   => ACTIVE although the user's token expired mid-way, with no window at identity:")
    for (const [service, chain] of chains) io.out(`      ${service}: actors ${chain.join(' -> ')}`)
  } else {
    io.out(
      `   => UNEXPECTED: server ${first.status}${first.fault === undefined ? '' : ` (${first.fault})`}`,
    )
  }
  io.out('')
  io.out('2) The same with plain service tokens ([service_user] delegate = false)')
  let doctorLines: string[] = []
  const second = await scenario(false, io, out, keep, async (result) => {
    const { renderText } = await import('../doctor/findings.ts')
    const { runDoctor } = await import('../doctor/run_doctor.ts')
    const report = await runDoctor({
      files: PROGRAMS.map((p) => configPath(result.cloud.plan, p)),
      identityUrl: undefined,
      admin: undefined,
      clock: io,
      timeoutMs: 10_000,
    })
    doctorLines = renderText(report)
  })
  const secondOk = second.status === 'ERROR' && /->/.test(second.fault ?? '')
  io.out(
    secondOk
      ? `   => ERROR, as expected: ${second.fault}`
      : `   => UNEXPECTED: server ${second.status}`,
  )
  io.out('')
  io.out('What `baton doctor` says about the second cloud:')
  for (const line of doctorLines) io.out(`   ${line}`)
  const doctorOk = doctorLines.some((l) => l.includes('delegate'))
  return {
    ok: firstOk && secondOk && doctorOk,
    kept: keep ? [first.cloud.plan.dataDir, second.cloud.plan.dataDir] : [],
  }
}
