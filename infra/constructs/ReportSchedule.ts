/**
 * The weekly report: the report handler, its least-privilege grants and its schedule (Monday,
 * 06:00 by default, in the stack's time zone), e-mailing through SES v2 when recipients are given.
 */
import { Stack, type TimeZone } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { isValidAddress } from '../../src/report/email/addresses.js';
import { HandlerFunction, type HandlerFunctionSizing } from './HandlerFunction.js';
import type { LedgerBucket } from './LedgerBucket.js';
import type { SigningKey } from './SigningKey.js';
import { checkClockTime, scheduleRetries, WEEKDAYS } from './scheduleTimes.js';

export interface ReportEmailProps {
  /** The From address; must belong to a verified SES identity. */
  readonly sender: string;
  readonly recipients: readonly string[];
  /**
   * The SES identity the sender belongs to (a domain or the address itself).
   * @default - the sender's domain
   */
  readonly senderIdentity?: string;
}

export interface ReportScheduleProps extends HandlerFunctionSizing {
  readonly ledger: LedgerBucket;
  /**
   * The KMS key the function signs its runs with (FLEETLEDGER_SIGNING_KEY).
   * @default - unsigned runs
   */
  readonly signingKey?: SigningKey;
  /** IANA zone of the schedule and of the weekly periods. */
  readonly timeZone: TimeZone;
  /**
   * The fleet file, under the ledger bucket's config prefix.
   * @default 'fleet.yaml'
   */
  readonly fleetFile?: string;
  /**
   * A waivers file under the config prefix.
   * @default - no waivers
   */
  readonly waiversFile?: string;
  /**
   * Hour (0-23, in timeZone) the report runs.
   * @default 6
   */
  readonly hour?: number;
  /**
   * Day of the week the report runs: MON ... SUN.
   * @default 'MON'
   */
  readonly weekDay?: string;
  /**
   * Who gets the report e-mail.
   * @default - the report is stored, not e-mailed
   */
  readonly email?: ReportEmailProps;
}

function checkEmail(scope: Construct, email: ReportEmailProps): void {
  const problems = [
    ...(isValidAddress(email.sender) ? [] : [`email.sender is not an e-mail address: "${email.sender}"`]),
    ...(email.recipients.length === 0 ? ['email.recipients must name at least one address'] : []),
    ...email.recipients.filter((r) => !isValidAddress(r)).map((r) => `email.recipients: not an e-mail address: "${r}"`),
  ];
  if (problems.length > 0) throw new Error(`${scope.node.path}: ${problems.join('; ')}`);
}

export class ReportSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ReportScheduleProps) {
    super(scope, id);
    const hour = props.hour ?? 6;
    checkClockTime(this, 'hour', hour);
    const weekDay = props.weekDay ?? 'MON';
    if (!WEEKDAYS.includes(weekDay)) {
      throw new Error(`${this.node.path}: weekDay must be one of ${WEEKDAYS.join(', ')}, got "${weekDay}"`);
    }
    if (props.email) checkEmail(this, props.email);

    this.function = new HandlerFunction(this, 'Handler', {
      entryFile: 'reportHandler.ts',
      shipTemplates: true,
      environment: {
        LEDGER: props.ledger.ledgerLocation,
        FLEET_FILE: props.ledger.configLocation(props.fleetFile ?? 'fleet.yaml'),
        ...(props.waiversFile ? { WAIVERS_FILE: props.ledger.configLocation(props.waiversFile) } : {}),
        TIME_ZONE: props.timeZone.timezoneName,
        ...(props.signingKey ? { FLEETLEDGER_SIGNING_KEY: props.signingKey.setting } : {}),
        ...(props.email ? { SENDER: props.email.sender, RECIPIENTS: props.email.recipients.join(',') } : {}),
      },
      ...(props.memorySize ? { memorySize: props.memorySize } : {}),
      ...(props.timeout ? { timeout: props.timeout } : {}),
    }).function;

    props.ledger.grantLedgerAccess(this.function);
    props.signingKey?.grantSigning(this.function);
    if (props.email) {
      const identity = props.email.senderIdentity ?? props.email.sender.slice(props.email.sender.lastIndexOf('@') + 1);
      this.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: identity })],
          conditions: { StringEquals: { 'ses:FromAddress': props.email.sender } },
        }),
      );
    }

    this.schedule = new Schedule(this, 'Weekly', {
      description: `fleetledger: report the week just ended, every ${weekDay} at ${hour}:00 ${props.timeZone.timezoneName}`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(hour), weekDay, timeZone: props.timeZone }),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject({ period: 'previous' }),
        ...scheduleRetries,
      }),
    });
  }
}
