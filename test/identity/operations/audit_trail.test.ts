/**
 * Identity's reader of the services' audit trails (audit_trail.ts): a line the cloud's own writer
 * (`openAuditLog`) wrote reads back field for field; a line still being written waits for its end;
 * a truncated or replaced file is read again from its start; a missing file is reported; junk
 * lines are skipped and counted; memory keeps only the last `maxLines` lines, and a backlog larger
 * than one read is skipped to its tail.
 * @module
 */
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { openAuditLog } from '../../../packages/cloud/src/kit/audit.ts'
import { AuditTrailReader } from '../../../packages/identity/src/operations/audit_trail.ts'

const dir = mkdtempSync(join(tmpdir(), 'baton-trail-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
const fresh = () => join(dir, `trail-${++n}.log`)

/** A well-formed line as the cloud writes it (JSON, `time` first). */
const line = (requestId: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({
    time: '2030-01-01T00:00:00.000Z',
    service: 'volume',
    direction: 'received',
    request_id: requestId,
    method: 'GET',
    path: '/v3/p/volumes',
    status: 200,
    outcome: 'ok',
    ...extra,
  })}\n`

const ids = (reader: AuditTrailReader) => reader.entries().map((e) => e.line.request_id)

test("a line written by the cloud's openAuditLog reads back as written", () => {
  const file = fresh()
  const log = openAuditLog(file, { now: () => Date.parse('2030-01-01T00:00:05.000Z') })
  const entry = {
    service: 'image',
    direction: 'received',
    request_id: 'req-cloud',
    method: 'GET',
    path: '/v2/images/i/file',
    status: 206,
    user_id: 'u1',
    project_id: 'p1',
    service_user_id: 's1',
    service_roles: ['service'],
    expired_user_token_accepted: true,
    user_token_expires_at: '2030-01-01T00:00:02.000Z',
    delegation_id: 'd1',
    operation: 'compute:boot',
    actor_chain: ['nova', 'cinder'],
    outcome: 'ok',
  } as const
  log.write(entry)
  const reader = new AuditTrailReader([file])
  reader.refresh()
  assert.deepEqual(reader.entries()[0]?.line, { time: '2030-01-01T00:00:05.000Z', ...entry })
  assert.equal(reader.entries()[0]?.at, Date.parse('2030-01-01T00:00:05.000Z'))
  assert.deepEqual(reader.files()[0], {
    file,
    state: 'reading',
    lines_read: 1,
    junk_lines: 0,
    restarts: 0,
  })
})

test('a partial last line waits until its newline is written; nothing is read twice', () => {
  const file = fresh()
  const whole = line('b')
  writeFileSync(file, line('a') + whole.slice(0, 20))
  const reader = new AuditTrailReader([file])
  reader.refresh()
  assert.deepEqual(ids(reader), ['a'])
  appendFileSync(file, whole.slice(20))
  reader.refresh()
  reader.refresh()
  assert.deepEqual(ids(reader), ['a', 'b'])
  assert.equal(reader.files()[0]?.junk_lines, 0)
})

test('a truncated file, or one replaced under its name, is read again from its start', () => {
  const file = fresh()
  writeFileSync(file, line('a') + line('b'))
  const reader = new AuditTrailReader([file])
  reader.refresh()
  writeFileSync(file, line('c'))
  reader.refresh()
  assert.deepEqual(ids(reader), ['a', 'b', 'c'])
  // rotated: a new (here larger) file under the same name
  const next = `${file}.new`
  writeFileSync(next, line('d') + line('e') + line('f'))
  renameSync(next, file)
  reader.refresh()
  assert.deepEqual(ids(reader), ['a', 'b', 'c', 'd', 'e', 'f'])
  assert.equal(reader.files()[0]?.restarts, 2)
})

test('a missing file is reported, and read once it appears', () => {
  const file = fresh()
  const reader = new AuditTrailReader([file])
  reader.refresh()
  assert.equal(reader.files()[0]?.state, 'missing')
  assert.deepEqual(ids(reader), [])
  writeFileSync(file, line('a'))
  reader.refresh()
  assert.equal(reader.files()[0]?.state, 'reading')
  assert.deepEqual(ids(reader), ['a'])
})

test('a directory where a trail should be is unreadable, not a crash', () => {
  const reader = new AuditTrailReader([dir])
  reader.refresh()
  assert.equal(reader.files()[0]?.state, 'unreadable')
})

test('junk lines are skipped and counted', () => {
  const file = fresh()
  writeFileSync(
    file,
    [
      'not json',
      '[1,2]',
      '{"time": "never", "service": "x"}',
      line('a').trim(),
      line('b', { status: '200' }).trim(),
      line('c', { expired_user_token_accepted: 'yes' }).trim(),
      line('d', { user_token_expires_at: 'soon' }).trim(),
      line('e', { actor_chain: [1] }).trim(),
      '',
      line('f').trim(),
      '',
    ].join('\n'),
  )
  const reader = new AuditTrailReader([file])
  reader.refresh()
  assert.deepEqual(ids(reader), ['a', 'f'])
  assert.equal(reader.files()[0]?.junk_lines, 7)
  assert.equal(reader.files()[0]?.lines_read, 2)
})

test('memory keeps the last maxLines lines across files', () => {
  const one = fresh()
  const two = fresh()
  writeFileSync(one, Array.from({ length: 30 }, (_, i) => line(`one-${i}`)).join(''))
  writeFileSync(two, Array.from({ length: 30 }, (_, i) => line(`two-${i}`)).join(''))
  const reader = new AuditTrailReader([one, two], { maxLines: 25 })
  reader.refresh()
  assert.equal(reader.entries().length, 25)
  assert.equal(reader.dropped, 35)
  assert.deepEqual(ids(reader).slice(0, 2), ['two-5', 'two-6'])
  appendFileSync(one, line('one-30'))
  reader.refresh()
  assert.equal(reader.entries().length, 25)
  assert.equal(ids(reader).at(-1), 'one-30')
})

test('a backlog larger than one read is skipped to its tail, from a whole line on', () => {
  const file = fresh()
  const lines = Array.from({ length: 100 }, (_, i) => line(`r-${String(i).padStart(3, '0')}`))
  writeFileSync(file, lines.join(''))
  const size = Buffer.byteLength(lines[0] ?? '')
  const reader = new AuditTrailReader([file], { maxReadBytes: size * 10 + 5 })
  reader.refresh()
  // the read starts 5 bytes into line 89: that partial line is dropped, 90..99 are kept
  assert.deepEqual(
    ids(reader),
    lines.slice(90).map((_, i) => `r-${String(90 + i).padStart(3, '0')}`),
  )
  assert.equal(reader.files()[0]?.junk_lines, 0)
})
