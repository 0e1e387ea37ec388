/**
 * Keystone 22's default policy for OS-EP-FILTER (keystone/common/policies/endpoint_group.py and
 * project_endpoint.py): writes are admin, reads admin or a reader on the system; every one
 * deprecated from `rule:admin_required`.
 * @module
 */
import {
  adminOnly,
  adminOrSystemReader,
  type PolicyDefault,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

export const ENDPOINT_GROUP_RULES: readonly PolicyDefault[] = [
  adminOnly('identity:create_endpoint_group', SYSTEM_PROJECT),
  adminOrSystemReader('identity:list_endpoint_groups'),
  adminOrSystemReader('identity:get_endpoint_group'),
  adminOnly('identity:update_endpoint_group', SYSTEM_PROJECT),
  adminOnly('identity:delete_endpoint_group', SYSTEM_PROJECT),
  adminOrSystemReader('identity:list_projects_associated_with_endpoint_group'),
  adminOrSystemReader('identity:list_endpoints_associated_with_endpoint_group'),
  adminOrSystemReader('identity:get_endpoint_group_in_project'),
  adminOrSystemReader('identity:list_endpoint_groups_for_project'),
  adminOnly('identity:add_endpoint_group_to_project', SYSTEM_PROJECT),
  adminOnly('identity:remove_endpoint_group_from_project', SYSTEM_PROJECT),
]

export const PROJECT_ENDPOINT_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:list_projects_for_endpoint'),
  adminOnly('identity:add_endpoint_to_project', SYSTEM_PROJECT),
  adminOrSystemReader('identity:check_endpoint_in_project'),
  adminOrSystemReader('identity:list_endpoints_for_project'),
  adminOnly('identity:remove_endpoint_from_project', SYSTEM_PROJECT),
]
