/**
 * `[fleet]` (Baton only; Keystone has no such group): several identity nodes on one database
 * record heartbeats (`fleet_node`: what keys each has loaded), so `baton keys status` can list
 * them and a rotation can refuse while one of them lags. Part of `identityOptionGroups`.
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const fleetOptions = defineGroup(
  'fleet',
  {
    node_id: opt.str({
      help:
        "Baton only. This node's name in the fleet (`baton keys status`). Default: " +
        '<hostname>:<port>.',
    }),
    heartbeat_interval: opt.int({
      default: 5,
      min: 1,
      help:
        'Baton only. Seconds between heartbeats; a node not seen for three intervals counts ' +
        'as gone (it no longer holds rotations back).',
    }),
    max_clock_skew: opt.int({
      default: 5,
      min: 0,
      help:
        "Baton only. Seconds a node's clock may differ from the database's before " +
        '`baton keys status` and `baton doctor` warn (token expiry is computed on each node).',
    }),
  },
  { help: 'Baton only: identity nodes sharing one database.' },
)
