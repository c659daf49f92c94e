// The role .github/workflows/images.yml assumes with GitHub's OIDC token to push both images to ECR:
// no long-lived AWS keys in GitHub. Created when `-c githubRepository=owner/name` is given.
import { Duration } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** Git refs whose workflow runs may push: the workflow's own triggers (push to main, tags v*.*.*). */
export const PUSHING_REFS = ['refs/heads/main', 'refs/tags/v*'] as const;

/**
 * What pushing an image needs on the repository, as AWS lists it
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html); GetAuthorizationToken
 * has no resource-level permissions and must be granted on `*`.
 */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
] as const;

export interface ImagePushRoleProps {
  /** `owner/name` of the GitHub repository whose workflow builds the images, as GitHub spells it. */
  githubRepository: string;
  /**
   * An account holds one IAM OIDC provider per URL: pass the ARN of an existing one for
   * token.actions.githubusercontent.com to reuse it; otherwise the stack creates it.
   */
  existingProviderArn?: string;
  /** The only repositories the role may push to. */
  repositories: ecr.IRepository[];
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const OIDC_PROVIDER_ARN = new RegExp(`^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST}$`);

/** Checks `-c githubRepository` / `-c githubOidcProviderArn`; throws with what to pass instead. */
export function checkImagePushContext(githubRepository: string, existingProviderArn?: string): void {
  if (!REPOSITORY.test(githubRepository))
    throw new Error(
      `-c githubRepository=${githubRepository}: expected owner/name as in https://github.com/owner/name (e.g. octo-org/ecs-gitops)`,
    );
  if (existingProviderArn !== undefined && !OIDC_PROVIDER_ARN.test(existingProviderArn))
    throw new Error(
      `-c githubOidcProviderArn=${existingProviderArn}: expected arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST} (aws iam list-open-id-connect-providers)`,
    );
}

/** GitHub's OIDC provider in IAM (created or imported) and the push role that trusts it. */
export class ImagePushRole extends Construct {
  readonly role: iam.Role;
  readonly provider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: ImagePushRoleProps) {
    super(scope, id);
    checkImagePushContext(props.githubRepository, props.existingProviderArn);
    // https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
    // IAM trusts GitHub's certificate through its own CA library, so no thumbprint is pinned
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html).
    this.provider = props.existingProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', props.existingProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubOidc', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        });
    // One StringLike on `sub` lists every allowed ref (values of one key are ORed; two operators on the
    // same key would be ANDed and match nothing). A job with an `environment:` gets another sub and is
    // refused. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
    this.role = new iam.Role(this, 'Role', {
      description: `GitHub Actions of ${props.githubRepository} (main, v* tags) push images to the stack's ECR repositories`,
      assumedBy: new iam.OpenIdConnectPrincipal(this.provider, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE },
        StringLike: {
          [`${GITHUB_OIDC_HOST}:sub`]: PUSHING_REFS.map((ref) => `repo:${props.githubRepository}:ref:${ref}`),
        },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PushToStackRepositories',
        actions: [...ECR_PUSH_ACTIONS],
        resources: props.repositories.map((r) => r.repositoryArn),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RegistryLogin',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'],
      }),
    );
  }
}
