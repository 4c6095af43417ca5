/**
 * The `nodejs24.x` runtime provides the AWS SDK v3. Pulumi would otherwise zip every package of
 * `dependencies` (and their trees) into every function, so these are excluded; @pulumi/* packages
 * are deployment-time only and Pulumi leaves them out by itself. A test checks that every runtime
 * dependency is in one of the two groups, so that nothing new slips into the archives.
 */
export const RUNTIME_PROVIDED_PACKAGES = [
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-ec2",
  "@aws-sdk/client-ecs",
  "@aws-sdk/client-lambda",
  "@aws-sdk/lib-dynamodb",
];

export const LAMBDA_RUNTIME = "nodejs24.x";
