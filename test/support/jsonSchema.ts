/**
 * Validation against the committed JSON Schemas (schemas/*.json) with Ajv, an implementation
 * independent of zod (which generated them): what a consumer of report.json or a snapshot would
 * run. Draft 2020-12, with `format` (date-time) checked; strict, but for `required` keys a record
 * with enum keys (zod's `areas`) names without declaring them.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const validators = new Map<string, ReturnType<Ajv2020['compile']>>();

function validatorOf(file: string) {
  let validate = validators.get(file);
  if (!validate) {
    const schema = JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats.default(ajv);
    validate = ajv.compile(schema);
    validators.set(file, validate);
  }
  return validate;
}

/**
 * The problems of `document` against `schemas/<file>`, one line each (`/findings/0/severity: must
 * be equal to one of the allowed values`); empty when it is valid.
 *
 * @example
 * expect(schemaProblems('report-v1.schema.json', JSON.parse(reportJson))).toEqual([]);
 */
export function schemaProblems(file: string, document: unknown): string[] {
  const validate = validatorOf(file);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? 'invalid'}`);
}
