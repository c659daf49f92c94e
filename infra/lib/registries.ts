import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';

export interface RegistriesProps {
  serviceRepositoryName: string;
  deployerRepositoryName: string;
}

function managedRepository(scope: Construct, id: string, repositoryName: string): ecr.Repository {
  return new ecr.Repository(scope, id, {
    repositoryName,
    imageScanOnPush: true,
    // Immutable tags: a tag names one image forever, so a rollout id (tag → digest) never lies.
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    lifecycleRules: [
      {
        description: 'Drop untagged images after a week',
        tagStatus: ecr.TagStatus.UNTAGGED,
        maxImageAge: Duration.days(7),
        rulePriority: 1,
      },
      {
        description: 'Keep the newest 50 images',
        tagStatus: ecr.TagStatus.ANY,
        maxImageCount: 50,
        rulePriority: 2,
      },
    ],
    // Kept when the stack is deleted or replaces them (they hold your images), but removed when the very
    // create that made them fails, so a failed first deploy leaves no fixed-name repository behind to
    // make the next one fail with "already exists" (DeletionPolicy RetainExceptOnCreate).
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
}

/** ECR repositories for the managed service and for the deployer itself. */
export class Registries extends Construct {
  readonly service: ecr.Repository;
  readonly deployer: ecr.Repository;

  constructor(scope: Construct, id: string, props: RegistriesProps) {
    super(scope, id);
    this.service = managedRepository(this, 'Service', props.serviceRepositoryName);
    this.deployer = managedRepository(this, 'Deployer', props.deployerRepositoryName);
  }
}
