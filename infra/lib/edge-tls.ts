// TLS at the edge when the user brings a domain (`-c domainName=... -c certificateArn=...`): the
// settings, read and checked once from CDK context, that public-edge.ts applies.

/** Viewer and origin TLS: without it CloudFront serves *.cloudfront.net and reaches the ALB over HTTP. */
export interface EdgeTls {
  /** The name viewers use; a DNS CNAME (or Route 53 alias) points it at the distribution. */
  domainName: string;
  /**
   * ACM certificate covering `domainName`, in us-east-1: the only region CloudFront reads certificates from
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html#https-requirements-aws-region).
   */
  viewerCertificateArn: string;
  /** ACM certificate in the stack's own region for the ALB's HTTPS listener, covering `originDomainName`. */
  originCertificateArn: string;
  /**
   * The origin domain name of the VPC origin: CloudFront sends it as SNI and Host (the Host header is not
   * forwarded) and checks the ALB's certificate against it, failing with 502 when no name matches
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html).
   */
  originDomainName: string;
}

/** The context values edgeTls() reads (`-c key=value`); all absent means TLS off. */
export interface EdgeTlsContext {
  domainName?: string;
  certificateArn?: string;
  originCertificateArn?: string;
  originDomainName?: string;
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
// A DNS name of at least two labels, lower case (CloudFront requires lower-case alternate domain names).
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function certificateRegion(key: string, arn: string): string {
  const region = ACM_ARN.exec(arn)?.[1];
  if (!region)
    throw new Error(
      `-c ${key}=${arn}: not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`,
    );
  return region;
}

function checkDomain(key: string, name: string): void {
  if (!DOMAIN.test(name))
    throw new Error(`-c ${key}=${name}: expected a lower-case DNS name such as app.example.com`);
}

/**
 * Reads the TLS context. `domainName` and `certificateArn` turn TLS on together. The ALB needs a
 * certificate from the stack's region: `originCertificateArn`, or `certificateArn` itself when the stack
 * is in us-east-1. `originDomainName` defaults to `domainName` (one certificate name for both legs).
 * Throws with what to pass when the combination cannot work.
 */
export function edgeTls(context: EdgeTlsContext, stackRegion: string): EdgeTls | undefined {
  const { domainName, certificateArn, originCertificateArn, originDomainName } = context;
  if (domainName === undefined && certificateArn === undefined) {
    const stray = (['originCertificateArn', 'originDomainName'] as const).find(
      (k) => context[k] !== undefined,
    );
    if (stray)
      throw new Error(
        `-c ${stray} only applies with -c domainName=... -c certificateArn=... (TLS with your own domain)`,
      );
    return undefined;
  }
  if (domainName === undefined || certificateArn === undefined)
    throw new Error(
      'TLS with your own domain needs both -c domainName=<name viewers use> and -c certificateArn=<ACM certificate in us-east-1 covering it>',
    );
  checkDomain('domainName', domainName);
  const viewerRegion = certificateRegion('certificateArn', certificateArn);
  if (viewerRegion !== 'us-east-1')
    throw new Error(
      `-c certificateArn is in ${viewerRegion}: CloudFront only uses ACM certificates from us-east-1; request or import it there`,
    );
  const origin = originCertificateArn ?? (stackRegion === 'us-east-1' ? certificateArn : undefined);
  if (origin === undefined)
    throw new Error(
      `the ALB's HTTPS listener needs a certificate from the stack's region ${stackRegion}: pass -c originCertificateArn=<ACM certificate in ${stackRegion} covering ${originDomainName ?? domainName}>`,
    );
  const originRegion = certificateRegion('originCertificateArn', origin);
  if (originRegion !== stackRegion)
    throw new Error(
      `-c originCertificateArn is in ${originRegion}, the stack in ${stackRegion}: a load balancer only uses certificates from its own region`,
    );
  if (originDomainName !== undefined) checkDomain('originDomainName', originDomainName);
  return {
    domainName,
    viewerCertificateArn: certificateArn,
    originCertificateArn: origin,
    originDomainName: originDomainName ?? domainName,
  };
}

/** Example values `npm run synth` lints the TLS mode with (infra/bin/synth.ts) and the tests synthesise. */
export const EXAMPLE_TLS_CONTEXT = {
  region: 'eu-west-1',
  domainName: 'gitops.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  originCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000',
} as const;
