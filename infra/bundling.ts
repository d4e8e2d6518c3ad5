/**
 * How every Lambda function of the stack is bundled: one set of esbuild options, so each function
 * (HandlerFunction, and any construct that adds one) ships the same kind of code: an ESM bundle for
 * Node.js 24, minified, tree-shaken, the AWS SDK included (the function runs the SDK versions the
 * tests ran), without source maps (a map inside the deployed code is bytes to download and parse
 * at every cold start; stack traces of a minified bundle still name the function and message).
 *
 * `npm run bench` measures each deployed bundle's size and module init (bench/functions.ts).
 */
// Types only: scripts/build.ts takes the banner from here without loading the CDK.
import type { BundlingOptions, ICommandHooks, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * CommonJS dependencies inside an ESM bundle still call require() for Node built-ins: the bundle
 * gets a require of its own. The CLI's build (scripts/build.ts) takes the same banner.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface LambdaBundlingProps {
  /**
   * Copy templates/ into the bundle, beside the code (the report function renders HTML from them).
   * @default false
   */
  readonly shipTemplates?: boolean;
}

/**
 * The bundling options of a NodejsFunction.
 *
 * @example
 * new NodejsFunction(this, 'Function', { entry, runtime: Runtime.NODEJS_24_X, bundling: lambdaBundling({ shipTemplates: true }) });
 */
export function lambdaBundling(props: LambdaBundlingProps = {}): BundlingOptions {
  return {
    format: 'esm' as OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    externalModules: [],
    minify: true,
    sourceMap: false,
    forceDockerBundling: false,
    banner: ESM_REQUIRE_BANNER,
    ...(props.shipTemplates ? { commandHooks: copyTemplates } : {}),
  };
}

const copyTemplates: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [`cp -R "${inputDir}/templates" "${outputDir}/templates"`],
};
