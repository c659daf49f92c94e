import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DEPLOYER_HEALTH_PATH,
  DEPLOYER_PORT,
  SERVICE_HEALTH_PATH,
  SERVICE_PORT,
  SERVICE_VERSION_PATH,
  WEBHOOK_PATH,
} from '../../common/contract.ts';

export interface PublicEdgeProps {
  vpc: ec2.IVpc;
}

/** Paths on the shared ALB that belong to the deployer rather than the managed service. */
/** (An ALB condition takes at most 5 values.) `/dashboard*` is the status page and its event stream. */
export const DEPLOYER_PATHS = [`${WEBHOOK_PATH}*`, '/status', '/status/*', '/api/*', '/dashboard*'] as const;

/** Internet-facing ALB (service by default, deployer paths by rule) and CloudFront in front of it. */
export class PublicEdge extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly distribution: cloudfront.Distribution;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
    });
    this.loadBalancer.logAccessLogs(this.logBucket, 'alb');
    this.listener = this.loadBalancer.addListener('Http', { port: 80, open: true });

    const origin = new origins.LoadBalancerV2Origin(this.loadBalancer, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
    });
    // No caching, every viewer header (signatures, event names, bearer tokens) reaches the origin.
    const uncached: cloudfront.BehaviorOptions = {
      origin,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    };
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'ecs-gitops: actors service',
      defaultBehavior: {
        origin,
        // Authorization is part of the cache key so basic auth reaches the origin and caches per user.
        cachePolicy: new cloudfront.CachePolicy(this, 'AuthorizedCache', {
          headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
          queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
          defaultTtl: Duration.seconds(60),
          minTtl: Duration.seconds(0),
          maxTtl: Duration.minutes(10),
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      additionalBehaviors: {
        [SERVICE_VERSION_PATH]: uncached,
        [SERVICE_HEALTH_PATH]: uncached,
        [`${WEBHOOK_PATH}*`]: uncached,
        '/status*': uncached,
        '/api/*': uncached,
        '/dashboard*': uncached,
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
  }

  /** The managed service is the listener's default target. */
  routeServiceByDefault(service: ecs.FargateService, containerName: string): elbv2.ApplicationTargetGroup {
    return this.listener.addTargets('Service', {
      port: SERVICE_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service.loadBalancerTarget({ containerName, containerPort: SERVICE_PORT })],
      healthCheck: { path: SERVICE_HEALTH_PATH, port: String(SERVICE_PORT), healthyHttpCodes: '200' },
      deregistrationDelay: Duration.seconds(30),
    });
  }

  /** Webhook and status/API paths go to the deployer. */
  routeDeployerPaths(service: ecs.FargateService): elbv2.ApplicationTargetGroup {
    return this.listener.addTargets('Deployer', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns([...DEPLOYER_PATHS])],
      port: DEPLOYER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service.loadBalancerTarget({ containerName: 'deployer', containerPort: DEPLOYER_PORT })],
      healthCheck: { path: DEPLOYER_HEALTH_PATH, port: String(DEPLOYER_PORT), healthyHttpCodes: '200' },
      deregistrationDelay: Duration.seconds(10),
    });
  }
}
