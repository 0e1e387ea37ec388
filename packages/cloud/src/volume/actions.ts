/**
 * `POST /volumes/{id}/action`: `os-attach` (available -> in-use, one attachment naming the server
 * and device) and `os-detach` (in-use -> available). Transitions are compare-and-set, so two racing
 * attaches cannot both win.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { BadRequest } from '../kit/errors.ts'
import type { VolumeRow, VolumeStore } from './store.ts'

function objectArg(body: Record<string, unknown>, action: string): Record<string, unknown> {
  const arg = body[action] ?? {}
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new BadRequest(`Invalid input received: ${action} takes an object.`)
  }
  return arg as Record<string, unknown>
}

export function volumeAction(
  store: VolumeStore,
  volume: VolumeRow,
  body: unknown,
  now: () => number,
): void {
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    Object.keys(body).length !== 1
  ) {
    throw new BadRequest('Malformed request body: give exactly one action.')
  }
  const b = body as Record<string, unknown>
  const action = Object.keys(b)[0] as string
  if (action === 'os-attach') {
    const arg = objectArg(b, action)
    const server = arg.instance_uuid
    const device = arg.mountpoint
    if (typeof server !== 'string' || server === '') {
      throw new BadRequest('Invalid input received: os-attach needs instance_uuid.')
    }
    if (typeof device !== 'string' || device === '') {
      throw new BadRequest('Invalid input received: os-attach needs mountpoint.')
    }
    const attached = store.transition(volume.id, ['available'], {
      status: 'in-use',
      attachment_id: randomUUID(),
      attached_server: server,
      attached_device: device,
      attached_at: new Date(now()).toISOString(),
    })
    if (!attached) {
      throw new BadRequest(
        `Invalid volume: Volume ${volume.id} status must be available to attach, but it is ${volume.status}.`,
      )
    }
    return
  }
  if (action === 'os-detach') {
    const arg = objectArg(b, action)
    if (
      arg.attachment_id !== undefined &&
      arg.attachment_id !== null &&
      arg.attachment_id !== volume.attachment_id
    ) {
      throw new BadRequest(
        `Invalid volume: attachment ${String(arg.attachment_id)} is not an attachment of ${volume.id}.`,
      )
    }
    const detached = store.transition(volume.id, ['in-use'], {
      status: 'available',
      attachment_id: null,
      attached_server: null,
      attached_device: null,
      attached_at: null,
    })
    if (!detached) {
      throw new BadRequest(
        `Invalid volume: Unable to detach volume. Volume status must be 'in-use' to detach (volume ${volume.id} is ${volume.status}).`,
      )
    }
    return
  }
  throw new BadRequest(`There is no such action: ${action}`)
}
