/**
 * The parts of the EKS client that EksClusterAccess loads on demand. Loaded with import(), a
 * package is kept whole by the bundler (esbuild cannot tell which of its exports are used): the
 * Lambda function would carry every EKS command, model and waiter (74 KB) for one call.
 */
export { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
