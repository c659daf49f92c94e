// TLS at the edge: without a domain the stack keeps *.cloudfront.net and HTTP to the internal ALB (and
// says so); with `-c domainName -c certificateArn [-c originCertificateArn]` viewers get TLS 1.2+ on your
// domain and the VPC origin reaches a 443-only ALB over HTTPS. Both modes asserted on the template.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TLS_CONTEXT, edgeTls } from '../lib/edge-tls.ts';
import type { GitOpsStack } from '../lib/gitops-stack.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

const VIEWER = EXAMPLE_TLS_CONTEXT.certificateArn;
const ORIGIN = EXAMPLE_TLS_CONTEXT.originCertificateArn;
const DOMAIN = EXAMPLE_TLS_CONTEXT.domainName;

describe('edgeTls(context, region)', () => {
  it('is off when no TLS key is given', () => {
    expect(edgeTls({}, 'eu-west-1')).toBeUndefined();
  });

  it('takes the domain, the us-east-1 viewer certificate and the regional ALB certificate', () => {
    expect(
      edgeTls({ domainName: DOMAIN, certificateArn: VIEWER, originCertificateArn: ORIGIN }, 'eu-west-1'),
    ).toEqual({
      domainName: DOMAIN,
      viewerCertificateArn: VIEWER,
      originCertificateArn: ORIGIN,
      originDomainName: DOMAIN,
    });
  });

  it('reuses the viewer certificate for the ALB when the stack is in us-east-1', () => {
    expect(edgeTls({ domainName: DOMAIN, certificateArn: VIEWER }, 'us-east-1')?.originCertificateArn).toBe(
      VIEWER,
    );
  });

  it('names the origin as originDomainName says', () => {
    const tls = edgeTls(
      {
        domainName: DOMAIN,
        certificateArn: VIEWER,
        originCertificateArn: ORIGIN,
        originDomainName: 'origin.example.com',
      },
      'eu-west-1',
    );
    expect(tls?.originDomainName).toBe('origin.example.com');
  });

  it.each([
    [{ domainName: DOMAIN }, /needs both -c domainName.*-c certificateArn/],
    [{ certificateArn: VIEWER }, /needs both -c domainName.*-c certificateArn/],
    [{ originCertificateArn: ORIGIN }, /-c originCertificateArn only applies with -c domainName/],
    [{ originDomainName: DOMAIN }, /-c originDomainName only applies with -c domainName/],
    [
      { domainName: DOMAIN, certificateArn: ORIGIN, originCertificateArn: ORIGIN },
      /only uses ACM certificates from us-east-1/,
    ],
    [
      { domainName: DOMAIN, certificateArn: VIEWER },
      /needs a certificate from the stack's region eu-west-1: pass -c originCertificateArn/,
    ],
    [
      { domainName: DOMAIN, certificateArn: VIEWER, originCertificateArn: VIEWER },
      /originCertificateArn is in us-east-1, the stack in eu-west-1/,
    ],
    [
      { domainName: 'Gitops.Example.com', certificateArn: VIEWER, originCertificateArn: ORIGIN },
      /lower-case DNS name/,
    ],
    [
      { domainName: 'https://gitops.example.com', certificateArn: VIEWER, originCertificateArn: ORIGIN },
      /lower-case DNS name/,
    ],
    [
      { domainName: DOMAIN, certificateArn: 'my-cert', originCertificateArn: ORIGIN },
      /not an ACM certificate ARN/,
    ],
  ])('refuses %j with a message that says what to pass', (context, message) => {
    expect(() => edgeTls(context, 'eu-west-1')).toThrow(message);
  });
});

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface DistributionConfig {
  Aliases?: string[];
  ViewerCertificate?: Record<string, unknown>;
  DefaultCacheBehavior: { ViewerProtocolPolicy: string };
  Origins: Array<{ DomainName: unknown; VpcOriginConfig?: unknown }>;
}

function distributionConfig(template: Template): DistributionConfig {
  const [cdn] = Object.values(template.findResources('AWS::CloudFront::Distribution') as Resources);
  return cdn?.Properties.DistributionConfig as DistributionConfig;
}
function only(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(template.findResources(type) as Resources);
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties;
}
/** Every ingress rule of the ALB's security group. */
function albIngress(stack: GitOpsStack, template: Template): Array<Record<string, unknown>> {
  const group = stack.edge.loadBalancer.connections.securityGroups[0]!;
  const id = stack.getLogicalId(group.node.defaultChild as never);
  const resource = (template.findResources('AWS::EC2::SecurityGroup') as Resources)[id];
  return (resource?.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [];
}
const vpcCidr = (stack: GitOpsStack) => ({
  'Fn::GetAtt': [
    stack.getLogicalId(stack.node.findChild('Network').node.findChild('Vpc').node.defaultChild as never),
    'CidrBlock',
  ],
});

describe('without a domain (the default)', () => {
  let template: Template;
  let stack: GitOpsStack;
  beforeAll(() => {
    ({ template, stack } = synthApp());
  }, SYNTH_TIMEOUT_MS);

  it('serves only *.cloudfront.net with the default certificate, still redirecting viewers to HTTPS', () => {
    const config = distributionConfig(template);
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('reaches the ALB over HTTP on port 80, admitted from the VPC only', () => {
    expect(only(template, 'AWS::CloudFront::VpcOrigin').VpcOriginEndpointConfig).toMatchObject({
      OriginProtocolPolicy: 'http-only',
    });
    expect(only(template, 'AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
    });
    expect(albIngress(stack, template)).toEqual([
      expect.objectContaining({ FromPort: 80, ToPort: 80, IpProtocol: 'tcp', CidrIp: vpcCidr(stack) }),
    ]);
  });
});

describe('with -c domainName -c certificateArn -c originCertificateArn', () => {
  let template: Template;
  let stack: GitOpsStack;
  let outdir: string;
  beforeAll(() => {
    ({ template, stack, outdir } = synthApp({ ...EXAMPLE_TLS_CONTEXT }));
  }, SYNTH_TIMEOUT_MS);

  it('answers viewers on the domain with the us-east-1 certificate, TLSv1.2_2021, SNI, and redirects HTTP', () => {
    const config = distributionConfig(template);
    expect(config.Aliases).toEqual([DOMAIN]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: VIEWER,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('has the VPC origin speak HTTPS only, TLS 1.2, to the name the ALB certificate covers', () => {
    expect(only(template, 'AWS::CloudFront::VpcOrigin').VpcOriginEndpointConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const [origin] = distributionConfig(template).Origins;
    expect(origin?.VpcOriginConfig).toBeDefined();
    expect(origin?.DomainName).toBe(DOMAIN);
  });

  it('gives the ALB one HTTPS listener on 443 with the regional certificate and a TLS 1.2+ policy, and no port 80', () => {
    expect(only(template, 'AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: ORIGIN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    expect(albIngress(stack, template)).toEqual([
      expect.objectContaining({ FromPort: 443, ToPort: 443, IpProtocol: 'tcp', CidrIp: vpcCidr(stack) }),
    ]);
  });

  it('gives people and GitHub the domain, and the deployer the distribution name that works before DNS does', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    expect(outputs.ServiceUrl?.Value).toBe(`https://${DOMAIN}`);
    expect(outputs.WebhookUrl?.Value).toBe(`https://${DOMAIN}/webhooks/github`);
    expect(outputs.DeployerStatusUrl?.Value).toBe(`https://${DOMAIN}/status`);
    expect(JSON.stringify(outputs.CloudFrontUrl?.Value)).toContain('DomainName');
  });

  it('leaves zero unacknowledged cdk-nag findings', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });
});
