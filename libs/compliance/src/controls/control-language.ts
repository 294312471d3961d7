import { Environment, ParseError } from '@marcbachmann/cel-js';

/** What a control checks: an environment, or a service. */
export const CONTROL_SUBJECT_TYPES = ['environment', 'service'] as const;
export type ControlSubjectType = (typeof CONTROL_SUBJECT_TYPES)[number];

/**
 * The most items of each list a check sees (the newest first). They bound what one evaluation can
 * cost: a comprehension over a list runs at most this many times.
 */
export const INPUT_LIMITS = {
  endpoints: 50,
  findings: 200,
  deployments: 200,
  incidents: 100,
  adminKeys: 200,
} as const;

/** The largest list a comprehension can walk (the cost model's multiplier per nesting level). */
const LARGEST_LIST = Math.max(...Object.values(INPUT_LIMITS));

/**
 * The evaluation budget, in "steps": each AST node counts once, times the largest list for every
 * comprehension (`all`, `exists`, `map`, `filter` …) it sits inside. Two nested comprehensions over
 * the largest list cost about 250,000 steps per node inside the inner one; three are refused.
 */
export const COST_LIMIT = 5_000_000;

/** Structural limits at parse time (cel-js's own). */
const PARSE_LIMITS = {
  maxAstNodes: 2_000,
  maxDepth: 50,
  maxListElements: 200,
  maxMapEntries: 200,
  maxCallArguments: 16,
};

const COMPREHENSIONS = new Set([
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
  'transformList',
  'transformMap',
]);

/**
 * The variables a check is written over. Documented for users in the control API's description
 * (CONTROL_LANGUAGE_DOC); lists are newest first and capped by INPUT_LIMITS.
 */
const COMMON_VARIABLES = {
  /** Open and triaged findings about the subject (compliance findings of other controls included). */
  findings: 'list<map>',
  /** Install-wide facts: { auditChainIntact: bool, adminKeys: [{ name, createdAt, expiresAt, lastUsedAt }] }. */
  platform: 'map',
  /** When the scan evaluated it. */
  now: 'google.protobuf.Timestamp',
} as const;

function environmentFor(subjectType: ControlSubjectType): Environment {
  const environment = new Environment({ limits: PARSE_LIMITS, homogeneousAggregateLiterals: false });
  for (const [name, type] of Object.entries(COMMON_VARIABLES)) environment.registerVariable(name, type);
  if (subjectType === 'environment')
    environment
      .registerVariable({
        name: 'environment',
        schema: {
          id: 'string',
          slug: 'string',
          name: 'string',
          tier: 'string',
          rank: 'int',
          protected: 'bool',
          endpointUrls: 'list<string>',
          facts: 'map',
        },
      })
      // The latest endpoint scan result of each of its URLs.
      .registerVariable('endpoints', 'list<map>')
      // Deployments to it requested in the last 30 days.
      .registerVariable('deployments', 'list<map>')
      // Incidents affecting it triggered in the last 90 days, each with its postmortem (or null).
      .registerVariable('incidents', 'list<map>')
      // Its deployment policies: { approvalRule, freezePeriods, deployWindows, promotionPolicy }.
      .registerVariable('policies', 'map');
  else
    environment
      .registerVariable({
        name: 'service',
        schema: { id: 'string', slug: 'string', name: 'string', ownerTeam: 'string', criticality: 'string' },
      })
      // Incidents affecting it triggered in the last 90 days, each with its postmortem (or null).
      .registerVariable('incidents', 'list<map>');
  return environment;
}

/** Built once: making an Environment is the expensive part. */
const ENVIRONMENTS: Record<ControlSubjectType, Environment> = {
  environment: environmentFor('environment'),
  service: environmentFor('service'),
};

export interface CheckProblem {
  /** 1-based line and column of the problem in the expression. */
  line: number;
  column: number;
  message: string;
}

export type CompiledCheck = (inputs: Record<string, unknown>) => unknown;

/**
 * Parses and type-checks a control's expression for its subject type: it must be a bool over the
 * declared variables, within the parse limits and the cost budget. Answers the compiled check, or
 * the problem with its position.
 */
export function compileCheck(
  subjectType: ControlSubjectType,
  expression: string,
): { check: CompiledCheck; cost: number } | { problem: CheckProblem } {
  const environment = ENVIRONMENTS[subjectType];
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = environment.parse(expression);
  } catch (error) {
    return { problem: problemOf(expression, error) };
  }
  const typed = parsed.check();
  if (!typed.valid) return { problem: problemOf(expression, typed.error) };
  if (typed.type !== 'bool' && typed.type !== 'dyn')
    return { problem: { line: 1, column: 1, message: `must be a bool; this expression is a ${typed.type}` } };
  const cost = estimateCost(parsed.ast);
  if (cost > COST_LIMIT)
    return {
      problem: {
        line: 1,
        column: 1,
        message:
          `may cost up to ${cost.toLocaleString('en-US')} steps, over the limit of ${COST_LIMIT.toLocaleString('en-US')} ` +
          '(comprehensions nested three deep over the input lists)',
      },
    };
  return { check: parsed as CompiledCheck, cost };
}

/**
 * The static cost bound: every node once, times LARGEST_LIST per comprehension around it. Walks
 * the AST cel-js exposes (`parse(…).ast`: nodes of `op` and `args`).
 */
function estimateCost(ast: unknown): number {
  const visit = (node: unknown, multiplier: number): number => {
    if (Array.isArray(node)) return node.reduce((sum: number, child) => sum + visit(child, multiplier), 0);
    if (!node || typeof node !== 'object' || !('op' in node)) return 0;
    const { op, args } = node as { op: string; args: unknown };
    if (op === 'rcall' && Array.isArray(args) && COMPREHENSIONS.has(args[0] as string)) {
      const [, receiver, macroArgs] = args as [string, unknown, unknown];
      return multiplier + visit(receiver, multiplier) + visit(macroArgs, multiplier * LARGEST_LIST);
    }
    return multiplier + visit(args, multiplier);
  };
  return visit(ast, 1);
}

function problemOf(expression: string, error: unknown): CheckProblem {
  const { summary, message, range } = error as {
    summary?: string;
    message?: string;
    range?: { start: number };
  };
  const offset = range?.start ?? 0;
  const before = expression.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const text = summary ?? (message ?? String(error)).split('\n')[0];
  return { line, column, message: error instanceof ParseError ? `syntax: ${text}` : text };
}

/** Keys whose string values are instants in the inputs (facts excepted: they stay as written). */
const INSTANT_KEY = /(?:At|^validFrom|^validTo|^now)$/;

/**
 * The inputs (JSON, as the evidence stores them) as CEL values: integral numbers become CEL ints
 * (BigInt), instants under the known keys CEL timestamps; facts keep their strings.
 */
export function toCelValues(inputs: Record<string, unknown>): Record<string, unknown> {
  const convert = (value: unknown, key: string, inFacts: boolean): unknown => {
    if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
    if (typeof value === 'string')
      return !inFacts && INSTANT_KEY.test(key) && !Number.isNaN(Date.parse(value)) ? new Date(value) : value;
    if (Array.isArray(value)) return value.map((item) => convert(item, '', inFacts));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, convert(v, k, inFacts || k === 'facts')]),
      );
    return value;
  };
  return convert(inputs, '', false) as Record<string, unknown>;
}

/**
 * Evaluates a compiled check over inputs already converted by toCelValues (once per subject, for
 * all its checks: converting was a fifth of a scan's CPU when done per check): true passes, false
 * fails, anything else (or a throw) is an error.
 */
export function runCheck(
  check: CompiledCheck,
  celValues: Record<string, unknown>,
): { outcome: 'passed' | 'failed' } | { outcome: 'error'; message: string } {
  try {
    const value = check(celValues);
    if (value === true) return { outcome: 'passed' };
    if (value === false) return { outcome: 'failed' };
    return { outcome: 'error', message: `the check answered ${typeof value}, not a bool` };
  } catch (error) {
    return { outcome: 'error', message: ((error as Error).message ?? String(error)).split('\n')[0] };
  }
}
