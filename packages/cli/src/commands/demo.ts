/**
 * `baton demo long-job`: the story service tokens exist for, told twice on throw-away clouds. First
 * every sender sends its service token and the server goes ACTIVE although the user's token expired
 * mid-way; then the senders do not, the chain breaks at a named hop, and `baton doctor` shows the
 * finding that would have caught it. Exit 0 when both outcomes are the expected ones. With
 * `--window 0`, the delegation story (`demo/window_zero.ts`) instead.
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander'
import type { TimelineOutput } from '../demo/timeline.ts'
import type { CliIo } from '../io.ts'
import { configPath, PROGRAMS } from '../local_cloud/plan.ts'

export function registerDemoCommands(program: Command, io: CliIo): void {
  const demo = program.command('demo').description('tell a story on a throw-away local cloud')
  const longJob = demo.command('long-job')
  longJob
    .description(
      'boot from volume with a user token that expires mid-way, with and without service tokens',
    )
    .option('--keep', 'keep the throw-away data directories (configs, logs, audit trail)')
    .option(
      '--window <seconds>',
      "identity's [token] allow_expired_window; 0 tells the delegation story (senders with " +
        '[service_user] delegate = true reach ACTIVE, plain service tokens end in ERROR)',
      parseWindow,
    )
    .action(async (flags: { keep?: boolean; window?: number }) => {
      const { removeDemoCloud, runLongJob, startDemoCloud } = await import('../demo/long_job.ts')
      const out: TimelineOutput = {
        line: (text) => io.out(text),
        write: (text) => process.stdout.write(text),
        isTTY: process.stdout.isTTY === true,
      }
      if (flags.window === 0) {
        const { runWindowZeroStory } = await import('../demo/window_zero.ts')
        const outcome = await runWindowZeroStory(io, out, flags.keep === true)
        if (outcome.kept.length > 0) io.out(`Kept: ${outcome.kept.join(' ')}`)
        if (!outcome.ok) {
          longJob.error('baton: demo long-job: an outcome was not the expected one (see above)', {
            exitCode: 1,
            code: 'baton.demo.unexpected',
          })
        }
        return
      }
      const window = flags.window === undefined ? {} : { allowExpiredWindow: flags.window }
      io.out('1) Senders send service tokens ([service_user] send_service_user_token = true)')
      const withTokens = await startDemoCloud({ sendServiceUserToken: true, ...window }, io)
      let first: Awaited<ReturnType<typeof runLongJob>>
      let counted: string | undefined
      try {
        first = await runLongJob(withTokens, out)
        const { describeExpiredCounts, expiredAcceptedCounts } = await import(
          '../demo/expired_counts.ts'
        )
        counted = describeExpiredCounts(await expiredAcceptedCounts(withTokens.plan))
      } finally {
        await withTokens.stop()
        if (flags.keep !== true) removeDemoCloud(withTokens)
      }
      const firstOk = first.status === 'ACTIVE' && first.expiredAcceptedBy.length > 0
      io.out(
        firstOk
          ? `   => ACTIVE: ${first.expiredAcceptedBy.join(', ')} accepted the expired user token because a service token came with it`
          : `   => UNEXPECTED: server ${first.status}${first.fault === undefined ? '' : ` (${first.fault})`}`,
      )
      if (counted !== undefined) {
        io.out(`   /metrics, baton_middleware_expired_tokens_accepted_total: ${counted}`)
      }
      io.out('')
      io.out('2) The same without service tokens (send_service_user_token = false)')
      const without = await startDemoCloud({ sendServiceUserToken: false, ...window }, io)
      let second: Awaited<ReturnType<typeof runLongJob>>
      let doctorLines: string[] = []
      let doctorStatus = 0
      try {
        second = await runLongJob(without, out)
        // the doctor as `baton doctor --config-file ...` runs it (admin from OS_* if set)
        const { countErrors, renderText } = await import('../doctor/findings.ts')
        const { adminCredentials } = await import('../doctor/options.ts')
        const { runDoctor } = await import('../doctor/run_doctor.ts')
        const admin = adminCredentials({}, io.env)
        const report = await runDoctor({
          files: PROGRAMS.map((p) => configPath(without.plan, p)),
          identityUrl: admin?.authUrl,
          admin,
          clock: io,
          timeoutMs: 10_000,
        })
        doctorLines = renderText(report)
        doctorStatus = countErrors(report.findings) > 0 ? 1 : 0
      } finally {
        await without.stop()
        if (flags.keep !== true) removeDemoCloud(without)
      }
      const secondOk = second.status === 'ERROR' && /->/.test(second.fault ?? '')
      io.out(
        secondOk
          ? `   => ERROR, as expected: ${second.fault}`
          : `   => UNEXPECTED: server ${second.status}`,
      )
      io.out('')
      io.out('What `baton doctor` says about the second cloud:')
      for (const line of doctorLines) io.out(`   ${line}`)
      const doctorOk =
        doctorStatus === 1 && doctorLines.some((l) => l.includes('send_service_user_token'))
      if (flags.keep === true) io.out(`Kept: ${withTokens.plan.dataDir} ${without.plan.dataDir}`)
      if (!(firstOk && secondOk && doctorOk)) {
        longJob.error('baton: demo long-job: an outcome was not the expected one (see above)', {
          exitCode: 1,
          code: 'baton.demo.unexpected',
        })
      }
    })
}

/** `--window`: whole seconds, 0 or more. */
function parseWindow(value: string): number {
  if (!/^\d{1,9}$/.test(value))
    throw new InvalidArgumentError('a whole number of seconds (0 or more)')
  return Number(value)
}
