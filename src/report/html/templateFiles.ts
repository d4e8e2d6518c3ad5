/**
 * Loading the Handlebars templates under `templates/` into an isolated Handlebars environment.
 *
 * Only files from `templates/` are ever compiled; data is passed to the compiled functions and
 * never becomes template source, so text containing `{{` in a cluster name stays literal text.
 * Strict mode makes a template that names a field the view lacks fail loudly instead of
 * rendering an empty string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { packageFile } from '../../core/packageRoot.js';

/**
 * The templates/ folder: `FLEETLEDGER_TEMPLATES_DIR` when set (a bundled Lambda, whose code no
 * longer sits in src/report/html, ships the folder next to it), else the package's.
 */
export const TEMPLATES_DIRECTORY = process.env['FLEETLEDGER_TEMPLATES_DIR']
  ? pathToFileURL(`${resolve(process.env['FLEETLEDGER_TEMPLATES_DIR'])}/`)
  : packageFile('templates/');

export type HandlebarsEnvironment = ReturnType<typeof Handlebars.create>;

export function readTemplate(relativePath: string): string {
  return readFileSync(new URL(relativePath, TEMPLATES_DIRECTORY), 'utf8');
}

/**
 * A fresh environment with every `*.hbs` of `partialsFolder` registered as a partial named after
 * its file, plus any extra partials given as raw text.
 */
export function createEnvironment(partialsFolder: string | null, extraPartials: Record<string, string> = {}) {
  const environment = Handlebars.create();
  if (partialsFolder !== null) {
    const folder = new URL(partialsFolder, TEMPLATES_DIRECTORY);
    for (const file of readdirSync(folder)
      .filter((name) => name.endsWith('.hbs'))
      .sort()) {
      environment.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(new URL(file, folder), 'utf8'));
    }
  }
  for (const [name, source] of Object.entries(extraPartials)) environment.registerPartial(name, source);
  return environment;
}

export interface CompileOptions {
  /** For text/plain output: no HTML escaping. */
  noEscape?: boolean;
}

export function compileTemplate<T>(
  environment: HandlebarsEnvironment,
  source: string,
  options: CompileOptions = {},
): (context: T) => string {
  const template = environment.compile<T>(source, { strict: true, noEscape: options.noEscape ?? false });
  return (context: T) => template(context);
}
