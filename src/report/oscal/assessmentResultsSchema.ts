/**
 * Validation of `assessment-results.json` against NIST's published OSCAL assessment-results JSON
 * Schema, vendored unmodified in schemas/oscal/ (see its README for the source and version).
 *
 * The schema is imported, not read from disk, so a bundled Lambda carries it. Its TokenDatatype
 * pattern uses `\p{L}` and `\p{N}`: ajv compiles patterns with the `u` flag (`unicodeRegExp`, on by
 * default), which such classes need; its `date-time`, `uri` and `uri-reference` formats come from
 * ajv-formats. Compiling takes a few hundred milliseconds, so it happens once, on first use.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schema from '../../../schemas/oscal/oscal_assessment-results_schema.json' with { type: 'json' };

/** The `$id` of the vendored schema: NIST's generated schema still names model version 1.0.6 there. */
export const ASSESSMENT_RESULTS_SCHEMA_ID: string = schema.$id;

/**
 * A document fleetledger rendered that the NIST schema rejects: a bug in the renderer, never bad
 * input (everything a cluster says is made to fit before it gets there). The report fails before
 * anything is stored.
 */
export class InvalidAssessmentResultsError extends Error {
  override readonly name = 'InvalidAssessmentResultsError';
  constructor(readonly problems: readonly string[]) {
    super(
      `programmer error: assessment-results.json does not validate against the NIST OSCAL assessment-results schema (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.slice(0, 5).join('; ')}`,
    );
  }
}

let compiled: ValidateFunction | undefined;
let validatorOf: (ref: string) => ValidateFunction | undefined = () => undefined;

// The 60,000 findings of a large report repeat a few values in checked fields (every prop's name
// matches the schema's token pattern, its namespace is a uri matched by a long regular expression):
// each distinct value is checked once. Same answers; a bounded number of values is remembered.
const REMEMBERED_VALUES = 1_000;

function remembered(test: (text: string) => boolean): (text: string) => boolean {
  const answers = new Map<string, boolean>();
  return (text) => {
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = test(text);
      if (answers.size < REMEMBERED_VALUES) answers.set(text, answer);
    }
    return answer;
  };
}

/** The schema's patterns, each a RegExp as ajv makes them (with its flags), answers remembered. */
type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;

const rememberingRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const regExp = new RegExp(pattern, flags);
    // ajv tells its patterns apart by their text (toString): one object per pattern.
    return { test: remembered((text) => regExp.test(text)), toString: () => regExp.toString() };
  },
  { code: 'new RegExp' },
);

/** The string formats ajv-formats added, answers remembered. */
function rememberFormats(ajv: Ajv): void {
  for (const [name, format] of Object.entries(ajv.formats)) {
    if (typeof format === 'function') ajv.addFormat(name, remembered(format));
    else if (format instanceof RegExp)
      ajv.addFormat(
        name,
        remembered((text) => format.test(text)),
      );
    else if (typeof format === 'object' && typeof format.validate === 'function' && format.type !== 'number') {
      const validate = format.validate as (text: string) => boolean;
      if (!format.async) ajv.addFormat(name, { ...format, validate: remembered(validate) } as typeof format);
    }
  }
}

function validator(): ValidateFunction {
  if (!compiled) {
    // allErrors: every problem is named at once; strict: the schema itself is checked as it compiles.
    const ajv = new Ajv({ allErrors: true, strict: true, unicodeRegExp: true, code: { regExp: rememberingRegExp } });
    validatorOf = (ref) => ajv.getSchema(ref);
    // ajv-formats is CommonJS: its plugin is `.default` of what an ES module import gives (under
    // Node, esbuild and TypeScript alike).
    addFormats.default(ajv);
    rememberFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function describe(error: ErrorObject, at = ''): string {
  const params = Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
  return `${at + error.instancePath || '/'}: ${error.message ?? error.keyword}${params}`;
}

/**
 * A result's findings checked apart from the document, one at a time, so that they need not all be
 * held (see assessmentResults.ts): the document is checked without them, and each finding against
 * the schema's finding, which is all the schema asks of them (the array has no uniqueItems, and its
 * minItems of 1 holds when there are findings to check apart).
 */
export interface FindingsApart {
  /** Where they are in the document, as a JSON pointer: /assessment-results/results/0/findings. */
  at: string;
  items: Iterable<unknown>;
}

const FINDING_SCHEMA = `${schema.$id}#assembly_oscal-assessment-common_finding`;

function findingValidator(): ValidateFunction {
  validator();
  const validate = validatorOf(FINDING_SCHEMA);
  if (!validate) throw new Error(`programmer error: no ${FINDING_SCHEMA} in the OSCAL schema`);
  return validate;
}

/** The schema's complaints about the document; empty when it validates. */
export function assessmentResultsProblems(document: unknown): string[] {
  const validate = validator();
  return validate(document) ? [] : (validate.errors ?? []).map((error) => describe(error));
}

/**
 * The findings, each checked as it is taken: one the schema rejects throws
 * InvalidAssessmentResultsError (naming its problems) instead of being returned.
 */
export function* validatedFindings(apart: FindingsApart): Generator<unknown> {
  const validateItem = findingValidator();
  let index = 0;
  for (const item of apart.items) {
    if (!validateItem(item)) {
      throw new InvalidAssessmentResultsError(
        (validateItem.errors ?? []).map((e) => describe(e, `${apart.at}/${index}`)),
      );
    }
    yield item;
    index += 1;
  }
}

/** Throws InvalidAssessmentResultsError unless the document validates. */
export function assertValidAssessmentResults(document: unknown): void {
  const problems = assessmentResultsProblems(document);
  if (problems.length > 0) throw new InvalidAssessmentResultsError(problems);
}
