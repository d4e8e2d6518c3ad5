/**
 * The parts of the Secrets Manager client that SecretsManagerReader loads on demand. Loaded with
 * import(), a package is kept whole by the bundler (esbuild cannot tell which of its exports are
 * used): the Lambda function would carry every Secrets Manager command and model for one call.
 */
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
