/**
 * A fleetledger run on AWS: a Step Functions state machine over thin handlers (lambda/):
 *
 *   OpenRun -> FleetSize? -> EachCluster (Map)            -> FinishRun -> Report? -> ReportPeriod -> Deliver
 *                         \-> EachClusterDistributed (DM) -/                                         \-> DeadLetter -> DeliveryFailed
 *
 * Each cluster is one invocation (bounded concurrency, retried with backoff; after the retries it
 * is recorded as failed, never failing the run). Above `distributedMapAbove` clusters the items and
 * results are kept in S3 (a Distributed Map), so a fleet of thousands never meets the state's size
 * limit. The run's opening, manifest and signature follow the ledger's rules as the CLI does
 * (src/collect/snapshotSteps.ts). A delivery that fails after its retries goes to an SQS
 * dead-letter queue; the report is stored either way.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnAccessEntry } from 'aws-cdk-lib/aws-eks';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  ResultWriterV2,
  S3JsonItemReader,
  StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2 } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { isValidAddress } from '../../src/report/email/addresses.js';
import { type FunctionNetwork, HandlerFunction } from './HandlerFunction.js';
import type { LedgerBucket } from './LedgerBucket.js';
import type { SigningKey } from './SigningKey.js';

export interface ReportEmailProps {
  /** The From address; an SES identity is created for it (or for `senderIdentity`). */
  readonly sender: string;
  readonly recipients: readonly string[];
  /**
   * The SES identity to create: a domain, or the sender address itself.
   * @default - the sender address
   */
  readonly senderIdentity?: string;
}

export interface RunStateMachineProps {
  readonly ledger: LedgerBucket;
  /** @default - unsigned runs */
  readonly signingKey?: SigningKey;
  /** IANA zone of the weekly periods. */
  readonly timeZone: string;
  /** @default 'fleet.yaml' */
  readonly fleetFile?: string;
  /** @default - no waivers */
  readonly waiversFile?: string;
  /** @default - reports are stored, not e-mailed */
  readonly email?: ReportEmailProps;
  /**
   * EKS clusters (of the stack's account and region) the cluster step may describe; each gets an
   * access entry for the step's role with read-only access.
   * @default - every cluster of the account and region may be described, no access entries
   */
  readonly eksClusterArns?: readonly string[];
  /** @default - none */
  readonly assumeRoleArns?: readonly string[];
  /**
   * Secrets (by ARN) holding cluster tokens the cluster step reads at run time.
   * @default - none
   */
  readonly tokenSecretArns?: readonly string[];
  /**
   * Customer-managed KMS keys of those secrets: decrypt through Secrets Manager only.
   * @default - none
   */
  readonly tokenSecretKeyArns?: readonly string[];
  /** @default - outside any VPC */
  readonly network?: FunctionNetwork;
  /**
   * How many clusters are snapshotted at once.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Above this many clusters, a Distributed Map with items and results in S3.
   * @default 40
   */
  readonly distributedMapAbove?: number;
}

const EKS_CLUSTER_ARN = /^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9][A-Za-z0-9_-]*)$/;

export class RunStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Readonly<Record<'open' | 'cluster' | 'finish' | 'report', LambdaFunction>> & {
    readonly deliver?: LambdaFunction;
  };
  /** Where Distributed Map items and results are kept for a week. */
  readonly runState: Bucket;
  readonly deadLetters?: Queue;
  readonly emailIdentity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    // The Distributed Map's current result writer (the first one is deprecated); a feature flag
    // set here, before any child is made, so every app that uses this construct gets it.
    this.node.setContext(STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
    const maxConcurrency = props.maxConcurrency ?? 10;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 1000) {
      throw new Error(`${this.node.path}: maxConcurrency must be a whole number from 1 to 1000, got ${maxConcurrency}`);
    }
    const distributedMapAbove = props.distributedMapAbove ?? 40;
    if (!Number.isInteger(distributedMapAbove) || distributedMapAbove < 0) {
      throw new Error(
        `${this.node.path}: distributedMapAbove must be a whole number of clusters, got ${distributedMapAbove}`,
      );
    }
    if (props.email) checkEmail(this, props.email);
    const clusters = (props.eksClusterArns ?? []).map((arn) => {
      const parts = EKS_CLUSTER_ARN.exec(arn);
      if (!parts) throw new Error(`${this.node.path}: eksClusterArns: not an EKS cluster ARN: "${arn}"`);
      return { arn, name: parts[4]! };
    });

    const { ledger } = props;
    this.runState = new Bucket(this, 'RunState', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(7) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      serverAccessLogsBucket: ledger.accessLogs,
      serverAccessLogsPrefix: 'run-state/',
    });

    const base = {
      LEDGER: ledger.ledgerLocation,
      FLEET_FILE: ledger.configLocation(props.fleetFile ?? 'fleet.yaml'),
      TIME_ZONE: props.timeZone,
    };
    const signing: Record<string, string> = props.signingKey
      ? { FLEETLEDGER_SIGNING_KEY: props.signingKey.setting }
      : {};
    const handler = (
      name: string,
      entryFile: string,
      environment: Record<string, string>,
      sizing: { memorySize: number; timeout: Duration },
      extra: { shipTemplates?: boolean; network?: FunctionNetwork } = {},
    ) =>
      new HandlerFunction(this, `${name}Function`, {
        entryFile,
        environment: { ...base, ...environment },
        ...sizing,
        ...extra,
      }).function;

    // Sizes from `npm run bench`: a cluster of ~5,000 objects is read in well under a minute in
    // 512 MB; open and finish read the manifest chain; the report renders HTML for the whole fleet.
    const open = handler(
      'OpenRun',
      'openRunHandler.ts',
      {
        ...signing,
        RUN_STATE: `s3://${this.runState.bucketName}/items`,
        DISTRIBUTED_MAP_ABOVE: String(distributedMapAbove),
      },
      { memorySize: 512, timeout: Duration.minutes(2) },
    );
    const cluster = handler(
      'SnapshotCluster',
      'snapshotClusterHandler.ts',
      signing,
      { memorySize: 512, timeout: Duration.minutes(5) },
      props.network ? { network: props.network } : {},
    );
    const finish = handler('FinishRun', 'finishRunHandler.ts', signing, {
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    const report = handler(
      'ReportPeriod',
      'reportHandler.ts',
      {
        ...signing,
        ...(props.waiversFile
          ? { WAIVERS_FILE: ledger.configLocation(props.waiversFile) }
          : ({} as Record<string, string>)),
      },
      { memorySize: 1024, timeout: Duration.minutes(10) },
      { shipTemplates: true },
    );
    const writers = [open, cluster, finish, report];
    for (const fn of writers) {
      ledger.grantLedgerAccess(fn);
      props.signingKey?.grantSigning(fn);
    }
    // Only what the steps do there: open writes the items, finish reads the Map's results.
    open.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.runState.arnForObjects('items/*')] }),
    );
    finish.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.runState.arnForObjects('results/*')] }),
    );

    const stack = Stack.of(this);
    cluster.addToRolePolicy(
      new PolicyStatement({
        actions: ['eks:DescribeCluster'],
        resources:
          clusters.length > 0
            ? clusters.map((c) => c.arn)
            : [stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: '*' })],
      }),
    );
    if (clusters.length === 0) {
      Validations.of(cluster).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>:cluster/*]',
        reason:
          'without eksClusterArns the fleet file may name any EKS cluster of this account and region; DescribeCluster reads only its endpoint and CA (set eksClusterArns to narrow it)',
      });
    }
    if (props.tokenSecretArns && props.tokenSecretArns.length > 0) {
      cluster.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...props.tokenSecretArns] }),
      );
    }
    if (props.tokenSecretKeyArns && props.tokenSecretKeyArns.length > 0) {
      // A token secret under a customer key: GetSecretValue needs kms:Decrypt on that key, and
      // only as Secrets Manager's caller (not to decrypt anything else with it).
      cluster.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [...props.tokenSecretKeyArns],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    if (props.assumeRoleArns && props.assumeRoleArns.length > 0) {
      cluster.addToRolePolicy(
        new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...props.assumeRoleArns] }),
      );
    }
    for (const [i, c] of clusters.entries()) {
      new CfnAccessEntry(this, `AccessEntry${i}`, {
        clusterName: c.name,
        principalArn: cluster.role!.roleArn,
        type: 'STANDARD',
        // Read-only, Secrets included: the TLS Secrets' certificates are audited (their metadata
        // and fingerprints only ever leave the function; see the README).
        accessPolicies: [
          {
            policyArn: `arn:${stack.partition}:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy`,
            accessScope: { type: 'cluster' },
          },
        ],
      });
    }

    let deliver: LambdaFunction | undefined;
    if (props.email) {
      deliver = handler(
        'Deliver',
        'deliverHandler.ts',
        { SENDER: props.email.sender, RECIPIENTS: props.email.recipients.join(',') },
        { memorySize: 256, timeout: Duration.minutes(1) },
      );
      ledger.grantLedgerRead(deliver);
      this.emailIdentity = new EmailIdentity(this, 'Sender', {
        identity:
          props.email.senderIdentity?.includes('@') === false
            ? Identity.domain(props.email.senderIdentity)
            : Identity.email(props.email.senderIdentity ?? props.email.sender),
      });
      this.emailIdentity.grantSendEmail(deliver);
      this.deadLetters = new Queue(this, 'DeadLetters', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    }
    this.functions = { open, cluster, finish, report, ...(deliver ? { deliver } : {}) };

    // The states.
    // No payload: the state's whole input is the event.
    const invoke = (name: string, fn: LambdaFunction, payload: TaskInput | null, resultPath: string) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        ...(payload ? { payload } : {}),
        payloadResponseOnly: true,
        resultPath,
      });
    const clusterStep = (prefix: string) => {
      const step = invoke(`${prefix}Snapshot`, cluster, null, '$');
      step.addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(5),
        backoffRate: 2,
        maxAttempts: 3,
        jitterStrategy: JitterType.FULL,
      });
      step.addCatch(
        new Pass(this, `${prefix}Failed`, {
          parameters: {
            'cluster.$': '$.cluster',
            'error.$': "States.Format('{}: {}', $.failure.Error, $.failure.Cause)",
          },
        }),
        { resultPath: '$.failure' },
      );
      return step;
    };
    const itemSelector = { 'run.$': '$.run', 'cluster.$': '$$.Map.Item.Value.cluster' };
    const inline = new MapState(this, 'EachCluster', {
      itemsPath: '$.clusters',
      itemSelector,
      maxConcurrency,
      resultPath: '$.results',
    }).itemProcessor(clusterStep('Inline'));
    const distributed = new DistributedMap(this, 'EachClusterDistributed', {
      itemReader: new S3JsonItemReader({ bucket: this.runState, key: JsonPath.stringAt('$.items.key') }),
      itemSelector,
      maxConcurrency,
      resultWriterV2: new ResultWriterV2({ bucket: this.runState, prefix: 'results' }),
      resultSelector: { 'Bucket.$': '$.ResultWriterDetails.Bucket', 'Key.$': '$.ResultWriterDetails.Key' },
      resultPath: '$.resultWriter',
    }).itemProcessor(clusterStep('Distributed'));

    const finishRun = invoke('FinishRun', finish, null, '$.finished');
    const reportPeriod = invoke(
      'ReportPeriod',
      report,
      TaskInput.fromObject({
        'run.$': '$.run',
        'period.$': '$.request.period',
        'backfill.$': '$.request.backfill',
      }),
      '$.report',
    );
    const done = new Succeed(this, 'Done');
    if (deliver && this.deadLetters) {
      const deliverReport = invoke(
        'Deliver',
        deliver,
        TaskInput.fromObject({ 'period.$': '$.report.period' }),
        '$.delivered',
      );
      deliverReport.addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(30),
        backoffRate: 2,
        maxAttempts: 3,
      });
      deliverReport.addCatch(
        new SqsSendMessage(this, 'DeadLetter', {
          queue: this.deadLetters,
          messageBody: TaskInput.fromJsonPathAt('$'),
          resultPath: JsonPath.DISCARD,
        }).next(
          new Fail(this, 'DeliveryFailed', {
            error: 'DeliveryFailed',
            cause: 'the report is stored; the e-mail is in the dead-letter queue',
          }),
        ),
        { resultPath: '$.failure' },
      );
      reportPeriod.next(deliverReport);
      deliverReport.next(done);
    } else {
      reportPeriod.next(done);
    }

    const definition = invoke('OpenRun', open, null, '$')
      .next(
        new Choice(this, 'FleetSize').when(Condition.isNotNull('$.items'), distributed).otherwise(inline).afterwards(),
      )
      .next(finishRun)
      .next(
        new Choice(this, 'Report?')
          .when(Condition.booleanEquals('$.request.report', true), reportPeriod)
          .otherwise(done),
      );

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.ONE_YEAR,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.#acknowledgeFindings(stack);
  }

  /** cdk-nag AwsSolutions findings that are what the design needs, each named exactly, with why. */
  #acknowledgeFindings(stack: Stack): void {
    const logicalId = (construct: Construct) =>
      stack.resolve((construct.node.defaultChild as CfnBucket).logicalId) as string;
    const runState = logicalId(this.runState);
    const acknowledge = (scope: Construct, id: string, reason: string) =>
      Validations.of(scope).acknowledge({ id, reason });
    acknowledge(
      this.functions.open,
      `AwsSolutions-IAM5[Resource::<${runState}.Arn>/items/*]`,
      'each run writes its Map items under its own key below items/',
    );
    acknowledge(
      this.functions.finish,
      `AwsSolutions-IAM5[Resource::<${runState}.Arn>/results/*]`,
      'the Distributed Map writes its results under a key of its own below results/',
    );
    for (const fn of Object.values(this.functions)) {
      acknowledge(
        this.stateMachine,
        `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
        'invoking a step function includes its versions (ARN:*), as the CDK grants it',
      );
    }
    acknowledge(
      this.stateMachine,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${runState}>/*]`,
      'the Distributed Map reads its items and writes its results in the run-state bucket, which holds nothing else',
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs log delivery and X-Ray trace actions take no resource ARN (Step Functions logging and tracing)',
    );
    const machine = logicalId(this.stateMachine);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    for (const children of [':*', '/*:*']) {
      acknowledge(
        this.stateMachine,
        `AwsSolutions-IAM5[Resource::${executions}${children}]`,
        'the Distributed Map starts, describes and stops its own child executions, whose names it makes',
      );
    }
    if (this.deadLetters) {
      acknowledge(this.deadLetters, 'AwsSolutions-SQS3', 'this queue is the dead-letter queue of the deliver step');
    }
  }
}

function checkEmail(scope: Construct, email: ReportEmailProps): void {
  const problems = [
    ...(isValidAddress(email.sender) ? [] : [`email.sender is not an e-mail address: "${email.sender}"`]),
    ...(email.recipients.length === 0 ? ['email.recipients must name at least one address'] : []),
    ...email.recipients.filter((r) => !isValidAddress(r)).map((r) => `email.recipients: not an e-mail address: "${r}"`),
  ];
  if (problems.length > 0) throw new Error(`${scope.node.path}: ${problems.join('; ')}`);
}
