import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DEPLOYER_HEALTH_PATH,
  DEPLOYER_PORT,
  SERVICE_HEALTH_PATH,
  SERVICE_PORT,
  WEBHOOK_PATH,
} from '../../common/contract.ts';
import type { EdgeTls } from './edge-tls.ts';
import { TrafficShifting } from './traffic-shifting.ts';

export interface PublicEdgeProps {
  vpc: ec2.IVpc;
  /** Your domain and certificates: viewer TLS 1.2+ and HTTPS from CloudFront to the ALB. */
  tls?: EdgeTls;
}

/** Paths on the shared ALB that belong to the deployer rather than the managed service. */
/** (An ALB condition takes at most 5 values.) `/dashboard*` is the status page and its event stream. */
export const DEPLOYER_PATHS = [`${WEBHOOK_PATH}*`, '/status', '/status/*', '/api/*', '/dashboard*'] as const;

/** Target health: a task is in service after 2 passing checks 10 s apart, out after 2 failures. */
export const TARGET_HEALTH = {
  interval: Duration.seconds(10),
  timeout: Duration.seconds(5),
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
} as const;

/** The managed service's target group settings, the same for both groups when ECS shifts traffic. */
const SERVICE_TARGETS = {
  port: SERVICE_PORT,
  protocol: elbv2.ApplicationProtocol.HTTP,
  healthCheck: {
    path: SERVICE_HEALTH_PATH,
    port: String(SERVICE_PORT),
    healthyHttpCodes: '200',
    ...TARGET_HEALTH,
  },
  // The service drains in-flight requests on SIGTERM (service/graceful-drain.ts) well within this.
  deregistrationDelay: Duration.seconds(15),
} as const;

/**
 * CloudFront is the only way in: it reaches an INTERNAL ALB in the private subnets through a CloudFront
 * VPC origin (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html),
 * so the ALB has no public address and nothing on the internet can bypass CloudFront. Viewers are
 * redirected to HTTPS. Nothing is cached: every path is authenticated (basic auth, bearer token,
 * webhook signature) or a live probe, and a cache keyed on credentials keeps serving revoked ones.
 *
 * Without `tls` the distribution has only its *.cloudfront.net name, whose default certificate leaves
 * the viewer security policy at TLSv1 (https://docs.aws.amazon.com/AmazonCloudFront/latest/APIReference/API_ViewerCertificate.html),
 * and the VPC origin talks HTTP to the ALB on port 80. With `tls` viewers use your domain with
 * TLSv1.2_2021 (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html)
 * and the VPC origin talks HTTPS only, TLS 1.2, to a 443 listener; the ALB has no port 80 at all.
 */
export class PublicEdge extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly distribution: cloudfront.Distribution;
  readonly logBucket: s3.Bucket;
  /** Whether viewers and the ALB get your certificates (the `tls` prop). */
  readonly tls: EdgeTls | undefined;
  /** The one port the ALB listens on: 443 with `tls`, else 80. */
  readonly listenerPort: number;

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    const tls = props.tls;
    this.tls = tls;
    this.listenerPort = tls ? 443 : 80;
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      // ALB access logs support only SSE-S3 on the destination bucket.
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
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(this.logBucket, 'alb');
    this.listener = tls
      ? this.loadBalancer.addListener('Https', {
          port: 443,
          protocol: elbv2.ApplicationProtocol.HTTPS,
          open: false,
          certificates: [elbv2.ListenerCertificate.fromArn(tls.originCertificateArn)],
          // TLS 1.3 and 1.2 only, the policy AWS recommends for HTTPS listeners
          // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        })
      : this.loadBalancer.addListener('Http', { port: 80, open: false });
    // The VPC origin's network interfaces live in the ALB's subnets (security group
    // CloudFront-VPCOrigins-Service-SG); nothing outside the VPC can reach an internal ALB anyway.
    this.loadBalancer.connections.allowFrom(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcp(this.listenerPort),
      'CloudFront VPC origin network interfaces in this VPC',
    );

    const origin = origins.VpcOrigin.withApplicationLoadBalancer(this.loadBalancer, {
      vpcOriginName: 'ecs-gitops-alb',
      protocolPolicy: tls
        ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // The ALB's own DNS name is under elb.amazonaws.com, which no certificate of yours covers: with TLS
      // the origin is named as the ALB certificate names it (EdgeTls.originDomainName).
      ...(tls && { domainName: tls.originDomainName }),
    });
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'ecs-gitops: actors service and deployer',
      defaultBehavior: {
        origin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // CachingDisabled + AllViewerExceptHostHeader is the one way to hand Authorization to the origin
        // without putting credentials in a cache key
        // (https://repost.aws/knowledge-center/cloudfront-authorization-header).
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(tls && {
        domainNames: [tls.domainName],
        certificate: acm.Certificate.fromCertificateArn(this, 'ViewerCertificate', tls.viewerCertificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
      }),
    });
  }

  /** The managed service is the listener's default target. */
  routeServiceByDefault(service: ecs.FargateService, containerName: string): elbv2.ApplicationTargetGroup {
    return this.listener.addTargets('Service', {
      ...SERVICE_TARGETS,
      targets: [service.loadBalancerTarget({ containerName, containerPort: SERVICE_PORT })],
    });
  }

  /**
   * The managed service behind two target groups whose traffic ECS shifts (blue-green, linear, canary):
   * a production rule for every path, a test rule for requests with `testHeader`, and nothing else by
   * default. Returns both groups (the first serves until the first deployment swaps them).
   */
  routeServiceWithTrafficShifting(
    service: ecs.FargateService,
    containerName: string,
    testHeader: { name: string; value: string },
  ): {
    shifting: TrafficShifting;
    targetGroups: [elbv2.ApplicationTargetGroup, elbv2.ApplicationTargetGroup];
  } {
    const group = (id: string) =>
      new elbv2.ApplicationTargetGroup(this, id, {
        ...SERVICE_TARGETS,
        vpc: this.loadBalancer.vpc,
        targetType: elbv2.TargetType.IP,
      });
    const production = group('ServiceBlue');
    const alternate = group('ServiceGreen');
    const shifting = new TrafficShifting(this, 'TrafficShifting', {
      listener: this.listener,
      production,
      alternate,
      testHeader,
    });
    production.addTarget(
      service.loadBalancerTarget({
        containerName,
        containerPort: SERVICE_PORT,
        alternateTarget: shifting.alternateTarget,
      }),
    );
    // Every path is a rule (ECS needs rule ARNs); nothing falls through to the default.
    this.listener.addAction('Default', {
      action: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'no route' }),
    });
    return { shifting, targetGroups: [production, alternate] };
  }

  /** Webhook and status/API paths go to the deployer. */
  routeDeployerPaths(service: ecs.FargateService): elbv2.ApplicationTargetGroup {
    return this.listener.addTargets('Deployer', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns([...DEPLOYER_PATHS])],
      port: DEPLOYER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service.loadBalancerTarget({ containerName: 'deployer', containerPort: DEPLOYER_PORT })],
      healthCheck: {
        path: DEPLOYER_HEALTH_PATH,
        port: String(DEPLOYER_PORT),
        healthyHttpCodes: '200',
        ...TARGET_HEALTH,
      },
      deregistrationDelay: Duration.seconds(10),
    });
  }
}
