/**
 * One of the lambda/ handlers, bundled locally with esbuild (there is no Docker here) for Node.js 24
 * on arm64, the way every function of the stack is (../bundling.ts: code split into index.mjs and
 * chunks, which NodejsFunction's single --outfile cannot hold).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_VERSION = (JSON.parse(readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')) as { version: string })
  .version;

/** Where the report function finds templates/ once deployed (the bundle sits in /var/task). */
export const BUNDLED_TEMPLATES_DIR = '/var/task/templates';

export interface HandlerFunctionSizing {
  /**
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * At most 15 minutes.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}

/** Where a function runs that must reach clusters with private endpoints. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: readonly ISubnet[];
  readonly securityGroups: readonly ISecurityGroup[];
}

export interface HandlerFunctionProps extends HandlerFunctionSizing {
  /** The file under lambda/, e.g. 'snapshotClusterHandler.ts'. */
  readonly entryFile: string;
  readonly environment: Record<string, string>;
  /**
   * Copy templates/ into the bundle and point FLEETLEDGER_TEMPLATES_DIR at it (HTML rendering).
   * @default false
   */
  readonly shipTemplates?: boolean;
  /**
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
}

/**
 * The handler's code, built by ../bundling.ts in a child process (synthesis is synchronous, the
 * build is not) and hashed by its output. Skipped, as any bundling, outside the stacks the CDK's
 * `aws:cdk:bundling-stacks` context names.
 */
function lambdaCode(entryFile: string, shipTemplates: boolean): Code {
  const args = (outdir: string) => ['infra/bundling.ts', entryFile, outdir, ...(shipTemplates ? ['--templates'] : [])];
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the CDK's type; never pulled: the local build below always runs or fails.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      // The build's arguments also tell the CDK's asset cache one function's code from another's.
      command: ['npx', 'tsx', ...args('/asset-output')],
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', ...args(outputDir)], {
            cwd: PROJECT_ROOT,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          return true;
        },
      },
    },
  });
}

export class HandlerFunction extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 1024;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
      throw new Error(
        `${this.node.path}: memorySize must be a whole number of MB from 128 to 10240, got ${memorySize}`,
      );
    }
    const timeout = props.timeout ?? Duration.minutes(10);
    if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900) {
      throw new Error(`${this.node.path}: timeout must be from 1 second to 15 minutes, got ${timeout.toHumanString()}`);
    }
    const templates = props.shipTemplates ?? false;

    this.function = new LambdaFunction(this, 'Function', {
      code: lambdaCode(props.entryFile, templates),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout,
      ephemeralStorageSize: Size.mebibytes(512),
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: [...props.network.subnets] },
            securityGroups: [...props.network.securityGroups],
          }
        : {}),
      logGroup: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN }),
      environment: {
        ...props.environment,
        FLEETLEDGER_LOG_FORMAT: 'json',
        // src/core/version.ts reads package.json next to the sources, which a bundle does not have.
        FLEETLEDGER_BUNDLED_VERSION: PACKAGE_VERSION,
        ...(templates ? { FLEETLEDGER_TEMPLATES_DIR: BUNDLED_TEMPLATES_DIR } : {}),
      },
    });

    // cdk-nag AwsSolutions-IAM4: the AWS managed policies Lambda itself needs, nothing more.
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'AWSLambdaBasicExecutionRole only lets the function write its own logs (logs:CreateLogStream, logs:PutLogEvents)',
    });
    if (props.network) {
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'a function in a VPC needs the network interface actions of AWSLambdaVPCAccessExecutionRole, which do not take resource ARNs',
      });
    }
  }
}
