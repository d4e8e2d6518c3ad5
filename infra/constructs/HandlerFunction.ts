/**
 * One of the lambda/ handlers, bundled locally with esbuild (there is no Docker here) for Node.js 24
 * on arm64, with the options every function of the stack shares (../bundling.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaBundling } from '../bundling.js';

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

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;

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

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}lambda/${props.entryFile}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
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
      bundling: lambdaBundling({ shipTemplates: templates }),
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
