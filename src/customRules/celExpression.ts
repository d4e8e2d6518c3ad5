/**
 * One CEL expression of a custom rule, compiled once and evaluated many times, with @bufbuild/cel
 * (chosen for its conformance: it passes 1024 of the 1069 core tests of the CEL specification's
 * suite that need no protobuf messages, against 897 and 391 for the other npm candidates).
 *
 * Checked before any cluster is contacted: the syntax, every variable and function named (an
 * undeclared one is an error), and the cost limits that keep a rule from running away: the length
 * of the text, the number of AST nodes and how deeply comprehensions (all, exists, filter, map)
 * nest, which bounds an evaluation to a polynomial of that degree in the size of the snapshot. The
 * library's checker is not exported (0.6), so type errors that depend on the data (a string added
 * to an int) surface at evaluation, where they make the check not evaluated, never passed.
 */
import { type CelValue, celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';

export const CEL_LIMITS = {
  /** Characters of one expression. */
  maxLength: 2000,
  /** Nodes of its syntax tree, macros expanded. */
  maxNodes: 400,
  /** Comprehensions inside comprehensions: 2 allows `a.all(x, b.exists(y, ...))`, quadratic at most. */
  maxComprehensionDepth: 2,
} as const;

/** Operators and internal functions the parser writes into the tree: not names a user wrote. */
const SPECIAL_FORMS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false', '@in']);

/** The standard library and the strings extension (join, split, lowerAscii ...), as Kubernetes' own CEL has. */
const ENV = celEnv({ funcs: strings });

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export interface CompiledExpression {
  readonly source: string;
  /** The `snapshot.<a>.<b>` paths the expression reads (for the sections it needs). */
  readonly snapshotPaths: readonly string[];
  /** Evaluates with the variables bound to CEL input (toCelInput: converted once, reused for every item). */
  evaluate(bindings: Readonly<Record<string, unknown>>): CelOutcome;
}

interface ExprNode {
  id: bigint;
  exprKind:
    | { case: 'identExpr'; value: { name: string } }
    | { case: 'selectExpr'; value: { operand?: ExprNode; field: string; testOnly: boolean } }
    | { case: 'callExpr'; value: { target?: ExprNode; function: string; args: ExprNode[] } }
    | { case: 'listExpr'; value: { elements: ExprNode[] } }
    | { case: 'structExpr'; value: { entries: { value?: ExprNode; keyKind: { case: string; value?: unknown } }[] } }
    | {
        case: 'comprehensionExpr';
        value: {
          iterVar: string;
          iterVar2: string;
          accuVar: string;
          iterRange?: ExprNode;
          accuInit?: ExprNode;
          loopCondition?: ExprNode;
          loopStep?: ExprNode;
          result?: ExprNode;
        };
      }
    | { case: 'constExpr' | undefined; value?: unknown };
}

/** Compiles an expression over the given variables; throws an Error saying what is wrong. */
export function compileCel(source: string, variables: readonly string[]): CompiledExpression {
  if (source.length > CEL_LIMITS.maxLength) {
    throw new Error(`expression of ${source.length} characters, more than the limit of ${CEL_LIMITS.maxLength}`);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    throw new Error(`CEL syntax error: ${firstLine(error)}`);
  }
  const snapshotPaths = new Set<string>();
  let nodes = 0;
  const walk = (node: ExprNode | undefined, scope: ReadonlySet<string>, depth: number, inChain = false): void => {
    if (!node) return;
    nodes++;
    const kind = node.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!scope.has(kind.value.name)) {
          throw new Error(`undeclared variable "${kind.value.name}" (declared: ${[...variables].join(', ')})`);
        }
        return;
      case 'selectExpr': {
        // The whole chain `snapshot.gitops.applications` counts, not its prefix `snapshot.gitops`.
        const path = inChain ? null : selectPath(node);
        if (path?.[0] === 'snapshot') snapshotPaths.add(path.slice(1, 3).join('.'));
        walk(kind.value.operand, scope, depth, true);
        return;
      }
      case 'callExpr':
        if (!SPECIAL_FORMS.has(kind.value.function) && !ENV.funcs.find(kind.value.function)) {
          throw new Error(`unknown function "${kind.value.function}"`);
        }
        walk(kind.value.target, scope, depth);
        for (const arg of kind.value.args) walk(arg, scope, depth);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) walk(element, scope, depth);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value as ExprNode, scope, depth);
          walk(entry.value, scope, depth);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        if (depth + 1 > CEL_LIMITS.maxComprehensionDepth) {
          throw new Error(
            `comprehensions (all, exists, exists_one, filter, map) nested ${depth + 1} deep, more than the limit of ${CEL_LIMITS.maxComprehensionDepth}`,
          );
        }
        walk(c.iterRange, scope, depth);
        walk(c.accuInit, scope, depth);
        const inner = new Set([...scope, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
        walk(c.loopCondition, inner, depth + 1);
        walk(c.loopStep, inner, depth + 1);
        walk(c.result, new Set([...scope, c.accuVar]), depth);
        return;
      }
      default:
        return;
    }
  };
  walk(parsed.expr as unknown as ExprNode, new Set(variables), 0);
  if (nodes > CEL_LIMITS.maxNodes) {
    throw new Error(`expression of ${nodes} syntax nodes, more than the limit of ${CEL_LIMITS.maxNodes}`);
  }
  const program = plan(ENV, parsed);
  return {
    source,
    snapshotPaths: [...snapshotPaths].sort(),
    evaluate(bindings) {
      let result: ReturnType<typeof program>;
      try {
        result = program(bindings as never);
      } catch (error) {
        return { ok: false, error: firstLine(error) };
      }
      if (isCelError(result)) return { ok: false, error: firstLine(result) };
      return { ok: true, value: fromCel(result) };
    },
  };
}

/** `snapshot.policies.gatekeeper.templates` -> its names, or null when it does not start at a variable. */
function selectPath(node: ExprNode): string[] | null {
  const kind = node.exprKind;
  if (kind.case === 'identExpr') return [kind.value.name];
  if (kind.case !== 'selectExpr' || !kind.value.operand) return null;
  const operand = selectPath(kind.value.operand);
  return operand ? [...operand, kind.value.field] : null;
}

/**
 * JSON data as CEL values: objects as maps, whole numbers as int (so `size(x) == item.count` and
 * `item.count > 0` compare like with like), other numbers as double; a Date as a timestamp.
 */
export function toCelInput(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Map) return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Date) return timestampFromDate(value);
  if (Array.isArray(value)) return value.map(toCelInput);
  if (typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, v]) => [key, toCelInput(v)]));
  }
  return String(value);
}

/** A CEL result as plain data: ints as numbers, lists as arrays, maps as objects. */
function fromCel(value: CelValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map((v) => fromCel(v as CelValue));
  if (isCelMap(value)) {
    return Object.fromEntries(
      [...value.entries()].map(([k, v]) => [String(fromCel(k as CelValue)), fromCel(v as CelValue)]),
    );
  }
  if (value instanceof Uint8Array || value === null) return value;
  if (typeof value === 'object') return String(value);
  return value;
}

function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error && 'message' in error
        ? String((error as { message: unknown }).message)
        : String(error);
  return text.split('\n')[0] ?? text;
}
