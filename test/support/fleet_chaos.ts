/**
 * The trouble a fleet run makes while the load runs: a random node `kill -9`'d and restarted
 * (one at a time, so the fleet stays up), and the keys rotated every `rotationInterval` seconds
 * when the harness rotates by hand (files mode). In database mode the fleet rotates itself: the
 * key set is watched (`baton keys status --json` every second) to count its rotations (the set's
 * generation moves once per rotation) and to time each one's pickup: from the promotion (the
 * database's promoted_at) until every serving node's heartbeat reports the new set (heartbeats
 * every second, so read it to about a second). Each kill's instant is kept so that a 5xx can be
 * told apart: in flight at a kill, or not.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Fleet } from './fleet.ts'
import { type FleetCounts, sample } from './fleet_counts.ts'

export type ChaosOptions = {
  /** ms between kills, drawn uniformly in [min, max] (default 3000-6000); null: no kills. */
  readonly killEvery?: readonly [number, number] | null
  /** ms a killed node stays down before its restart begins (default 200-1500). */
  readonly downFor?: readonly [number, number]
}

export type Chaos = {
  /** Date.now() of each kill. */
  readonly killedAt: readonly number[]
  /** Stops making trouble and waits until every node serves again. */
  stop(): Promise<void>
}

const between = ([min, max]: readonly [number, number]) => min + Math.random() * (max - min)

export function startChaos(fleet: Fleet, counts: FleetCounts, o: ChaosOptions = {}): Chaos {
  const killedAt: number[] = []
  let running = true
  const abort = new AbortController()
  // a stop() must not wait out a pause between kills
  const nap = (ms: number) => sleep(ms, undefined, { signal: abort.signal }).catch(() => {})
  const errors: unknown[] = []
  const killEvery = o.killEvery === undefined ? ([3000, 6000] as const) : o.killEvery
  const downFor = o.downFor ?? [200, 1500]

  const kills = async () => {
    if (killEvery === null) return
    while (running) {
      await nap(between(killEvery))
      if (!running || !fleet.nodes.every((n) => n.up())) continue
      const node = fleet.nodes[Math.floor(Math.random() * fleet.nodes.length)]
      if (node === undefined) continue
      killedAt.push(Date.now())
      await node.kill9()
      counts.kills += 1
      await sleep(between(downFor))
      const started = performance.now()
      await node.start()
      counts.restartMs.push(performance.now() - started)
      counts.restarts += 1
    }
  }
  const rotations = async () => {
    if (!fleet.keys.handRotation) return
    while (running) {
      await nap(fleet.rotationInterval * 1000)
      if (!running) break
      const outcome = await fleet.rotate()
      if (outcome.rotated) {
        counts.rotations += 1
        if (counts.kills > 0) counts.rotationsAfterAKill += 1
        counts.rotationMs.push(outcome.ms)
      } else {
        counts.rotationsRefused += 1
        sample(counts, `rotation refused: ${outcome.reason}`)
      }
    }
  }
  const watchRotations = async () => {
    if (fleet.keys.handRotation) return
    counts.rotationWhat = 'promotion to every serving node reporting the new set'
    const start = await fleet.keys.status(fleet.nodes)
    if (start === null) return
    let seen = start.generation
    let pending: { keys: readonly string[]; since: number } | null = null
    while (running) {
      await nap(1000)
      if (!running) break
      // the CLI opens the database like any client; a failed look is just skipped
      const now = await fleet.keys.status(fleet.nodes).catch(() => null)
      if (now === null) continue
      if (now.leaseHolder !== null && counts.leaseHolders.at(-1) !== now.leaseHolder) {
        counts.leaseHolders.push(now.leaseHolder)
      }
      if (now.generation !== seen) {
        counts.rotations += now.generation - seen
        if (counts.kills > 0) counts.rotationsAfterAKill += now.generation - seen
        seen = now.generation
        pending = { keys: now.keys, since: now.promotedAt ?? Date.now() }
      }
      const want = pending
      if (want === null) continue
      const caughtUp = fleet.nodes
        .filter((node) => node.up())
        .every((node) => {
          const beat = now.nodes.find((n) => n.nodeId === node.name)
          return beat !== undefined && want.keys.every((k) => beat.fingerprints.includes(k))
        })
      if (caughtUp) {
        counts.rotationMs.push(Date.now() - want.since)
        pending = null
      }
    }
  }
  const loops = [kills(), rotations(), watchRotations()].map((p) =>
    p.catch((error) => void errors.push(error)),
  )
  return {
    killedAt,
    async stop() {
      running = false
      abort.abort()
      await Promise.all(loops)
      for (const node of fleet.nodes) if (!node.up()) await node.start()
      if (errors.length > 0) throw errors[0]
    },
  }
}
