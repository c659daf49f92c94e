// One AWS JSON 1.1 call without an SDK client (`x-amz-target: <prefix>.<Operation>`): for services
// the project has no client for (EventBridge), or to send fields an SDK would drop. The signature is
// a placeholder: moto and the stand-ins check none.
// Protocol: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/Welcome.html (JSON 1.1 over POST)
export async function awsJsonCall(
  endpoint: string,
  service: { targetPrefix: string; signingName: string; accessKeyId?: string },
  operation: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${service.targetPrefix}.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${service.accessKeyId ?? 'testing'}/20260101/us-east-1/${service.signingName}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(
      `${service.signingName}:${operation} answered ${response.status}: ${JSON.stringify(body)}`,
    );
  return body;
}
