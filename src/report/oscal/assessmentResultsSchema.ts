/**
 * Validation of `assessment-results.json` against NIST's published OSCAL assessment-results JSON
 * Schema, vendored unmodified in schemas/oscal/ (see its README for the source and version).
 *
 * The schema is imported, not read from disk, so a bundled Lambda carries it. Its TokenDatatype
 * pattern uses `\p{L}` and `\p{N}`: ajv compiles patterns with the `u` flag (`unicodeRegExp`, on by
 * default), which such classes need; its `date-time`, `uri` and `uri-reference` formats come from
 * ajv-formats. Compiling takes a few hundred milliseconds, so it happens once, on first use.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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

function validator(): ValidateFunction {
  if (!compiled) {
    // allErrors: every problem is named at once; strict: the schema itself is checked as it compiles.
    const ajv = new Ajv({ allErrors: true, strict: true, unicodeRegExp: true });
    // ajv-formats is CommonJS: its plugin is `.default` of what an ES module import gives (under
    // Node, esbuild and TypeScript alike).
    addFormats.default(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function describe(error: ErrorObject): string {
  const params = Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${params}`;
}

/** The schema's complaints about the document; empty when it validates. */
export function assessmentResultsProblems(document: unknown): string[] {
  const validate = validator();
  return validate(document) ? [] : (validate.errors ?? []).map(describe);
}

/** Throws InvalidAssessmentResultsError unless the document validates. */
export function assertValidAssessmentResults(document: unknown): void {
  const problems = assessmentResultsProblems(document);
  if (problems.length > 0) throw new InvalidAssessmentResultsError(problems);
}
