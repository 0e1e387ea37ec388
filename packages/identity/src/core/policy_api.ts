/**
 * The contract between handlers and the policy engine: handlers call `enforce` with Keystone's
 * action name (`identity:list_projects`) and the target; a denial throws Forbidden with Keystone's
 * message "You are not authorized to perform the requested action: <action>.".
 * @module
 */
import type { Caller, PolicyTarget } from './caller.ts'

export interface PolicyEnforcer {
  /** Throws Forbidden when `caller` may not perform `action` on `target`. */
  enforce(caller: Caller, action: string, target?: PolicyTarget): void
  /** The same check, answered as a boolean (filtering lists, HEAD vs GET rules). */
  allows(caller: Caller, action: string, target?: PolicyTarget): boolean
}
