/**
 * The key that signs the ledger's runs: an asymmetric AWS KMS key (ECC_NIST_P256, SIGN_VERIFY)
 * whose private half never leaves KMS. Only the functions that write the ledger may sign with it:
 * they get kms:Sign (and kms:GetPublicKey, for the fingerprint they record), and the key policy
 * denies kms:Sign to every other principal, so a role with broad KMS rights still cannot sign
 * without first changing the key policy (which CloudTrail records). Auditors verify with the
 * public key (`aws kms get-public-key`, see the README).
 */
import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IGrantable, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export class SigningKey extends Construct {
  readonly key: Key;
  readonly #signers: IRole[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'fleetledger: signs the ledger runs (DSSE envelopes of the run manifests)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Signatures outlive the stack: the public key must stay readable for as long as the ledger is kept.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheLedgerWritersSign',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: {
          ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.#signers.map((role) => role.roleArn) }) },
        },
      }),
    );
  }

  /** FLEETLEDGER_SIGNING_KEY of a function that signs: `kms:<key ARN>`. */
  get setting(): string {
    return `kms:${this.key.keyArn}`;
  }

  /** Lets the function sign with the key (kms:Sign, kms:GetPublicKey on this key only). */
  grantSigning(fn: IFunction & IGrantable): void {
    if (!fn.role) throw new Error(`${this.node.path}: ${fn.node.path} has no role to grant signing to`);
    this.#signers.push(fn.role);
    this.key.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
  }
}
