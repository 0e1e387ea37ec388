// Issue 16's cut-over from a Keystone 22 on SQLite (the scenario: keystone_import_scenario.ts).
import { join } from 'node:path'
import { describeKeystoneImport, scenarioMissing } from './keystone_import_scenario.ts'

describeKeystoneImport(
  'baton db import-keystone: from a running Keystone 22 (SQLite) to Baton',
  scenarioMissing,
  async () => ({ from: (keystoneDir) => `sqlite:///${join(keystoneDir, 'keystone.db')}` }),
)
