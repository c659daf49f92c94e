// The hand-off between CDK and the deployer for a managed service's image. The deployer writes the
// digest-pinned image it rolled out to `/ecs-gitops/<stack>/<service>/image` after every successful
// rollout (deployer/adapters/aws/ssm-adapter.ts, RELEASE_PARAMETER_PREFIX); the stack's task
// definition reads that parameter, so a `cdk deploy` that changes cpu, memory or environment starts
// the image that runs now instead of moving it back to the template's first image.
//
// A `{{resolve:ssm:name}}` dynamic reference is resolved when the resource that holds it is created or
// updated, and the parameter must exist by then
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm.html). So the
// stack creates it once with the first image, through PutParameter without Overwrite: on a parameter that
// already holds the deployer's record that call fails with ParameterAlreadyExists
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html), which is
// ignored (AwsCustomResource `ignoreErrorCodesMatching`,
// https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources.AwsCustomResource.html): the
// stack never overwrites what the deployer recorded. An AWS::SSM::Parameter resource would, on every
// update that changes its Value.
import { Arn, CfnDynamicReference, CfnDynamicReferenceService, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The path under which the deployer records its releases (the deployer's RELEASE_PARAMETER_PREFIX). */
export function releaseParameterPrefix(stackName: string): string {
  return `/ecs-gitops/${stackName}`;
}

/** Same rule as deployer/adapters/aws/ssm-adapter.ts `releaseParameterName`. */
export function releaseParameterName(prefix: string, service: string): string {
  return `${prefix}/${service}/image`;
}

export interface ReleaseParameterProps {
  /** RELEASE_PARAMETER_PREFIX of the deployer. */
  prefix: string;
  /** The service's config name (config/services/<name>.yaml): the deployer's record key. */
  service: string;
  /** The image the parameter starts with, before the deployer's first rollout. */
  initialImage: string;
}

export class ReleaseParameter extends Construct {
  readonly parameterName: string;
  /** ARN of the parameter, for the deployer's ssm:PutParameter grant. */
  readonly parameterArn: string;
  /** `{{resolve:ssm:<name>}}`: the image to put in the task definition. */
  readonly imageReference: string;
  /** Creates the parameter; the resource that reads it must depend on this. */
  readonly seed: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ReleaseParameterProps) {
    super(scope, id);
    this.parameterName = releaseParameterName(props.prefix, props.service);
    this.parameterArn = Arn.format(
      // A name that starts with `/` gives the ARN `parameter/ecs-gitops/...` (no double slash).
      { service: 'ssm', resource: 'parameter', resourceName: this.parameterName.replace(/^\//, '') },
      Stack.of(this),
    );
    const create: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'putParameter',
      parameters: {
        Name: this.parameterName,
        Value: props.initialImage,
        Type: 'String',
        Overwrite: false,
        Description: 'Image the ecs-gitops deployer rolled out last (it overwrites this value)',
      },
      ignoreErrorCodesMatching: 'ParameterAlreadyExists',
      physicalResourceId: cr.PhysicalResourceId.of(this.parameterName),
    };
    this.seed = new cr.AwsCustomResource(this, 'Seed', {
      onCreate: create,
      // A new first image (another asset hash) must not replace the deployer's record either.
      onUpdate: create,
      onDelete: {
        service: 'SSM',
        action: 'deleteParameter',
        parameters: { Name: this.parameterName },
        ignoreErrorCodesMatching: 'ParameterNotFound',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
          resources: [this.parameterArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    this.imageReference = new CfnDynamicReference(
      CfnDynamicReferenceService.SSM,
      this.parameterName,
    ).toString();
  }
}
