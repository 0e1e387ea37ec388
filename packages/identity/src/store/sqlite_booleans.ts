/**
 * A kysely plugin for SQLite that turns JS booleans in query parameters into 0/1:
 * better-sqlite3 refuses to bind booleans, and PostgreSQL wants real booleans, so repositories
 * write `true`/`false` everywhere and only the SQLite connection rewrites them.
 * @module
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueNode,
} from 'kysely'

function toSqlite(value: unknown): unknown {
  return typeof value === 'boolean' ? Number(value) : value
}

class BooleanParameterTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    if (typeof node.value !== 'boolean') return node
    // Immediate values (DDL defaults) are inlined into the SQL text and must stay inlined.
    const value = toSqlite(node.value)
    return node.immediate ? ValueNode.createImmediate(value) : ValueNode.create(value)
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return node.values.some((v) => typeof v === 'boolean')
      ? PrimitiveValueListNode.create(node.values.map(toSqlite))
      : node
  }
}

export class SqliteBooleanPlugin implements KyselyPlugin {
  readonly #transformer = new BooleanParameterTransformer()

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId)
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}
