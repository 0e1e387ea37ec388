/**
 * The worker supervisor of `baton serve identity` (node:cluster): when workers keep dying it gives
 * up, and it must say so with a non-zero exit status, or systemd's `Restart=on-failure` never
 * restarts the service.
 * @module
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startIdentity } from './identity_process.ts'

/** The supervisor's workers (not tsx's esbuild service, also its child). */
function workerPids(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('serve identity'))
      .map((line) => Number.parseInt(line.trim(), 10))
      .filter((pid) => pid > 0)
  } catch {
    return [] // ps exits 1 when there is no child
  }
}

test('a supervisor whose workers keep dying exits non-zero with the reason', async () => {
  const identity = await startIdentity(['[DEFAULT]', 'workers = 2'])
  try {
    const killed = new Set<number>()
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    void identity.exited.then((e) => {
      exit = e
    })
    const deadline = Date.now() + 50_000
    // Six deaths within a minute: the sixth is one more than the supervisor restarts.
    while (killed.size < 6 && exit === undefined && Date.now() < deadline) {
      const victim = workerPids(identity.pid).find((pid) => !killed.has(pid))
      if (victim === undefined) {
        await sleep(50)
        continue
      }
      process.kill(victim, 'SIGKILL')
      killed.add(victim)
    }
    assert.equal(killed.size, 6, 'six workers were killed')
    const result = await Promise.race([identity.exited, sleep(20_000).then(() => undefined)])
    assert.ok(result !== undefined, 'the supervisor stopped after the sixth death')
    assert.match(identity.stderr(), /workers keep dying; stopping/)
    assert.notEqual(result.code, 0, 'systemd Restart=on-failure needs a failure status')
    assert.equal(result.code, 1)
  } finally {
    await identity.stop()
  }
})
