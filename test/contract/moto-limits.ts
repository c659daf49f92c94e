// The one list of what moto 5.2 does not do like AWS. Each limit is marked at the one contract test it
// affects (`skipOnMoto(world, limit)` or a comment naming it): a limit excuses moto, never our own code,
// and a stand-in that differs from moto anywhere else is wrong.
export const MOTO_LIMITS = {
  /**
   * UpdateService records the new task definition on the service but starts no new deployment: the
   * PRIMARY deployment keeps the old revision and never rolls (moto/ecs/models.py update_service).
   * AWS: "ECS starts a new deployment" when the task definition changes
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
   */
  'ecs-update-service-starts-no-deployment':
    'moto UpdateService starts no new deployment (the PRIMARY keeps the old task definition)',
  /**
   * ListTaskDefinitions ignores `sort` and `maxResults`: ascending order, one page, no nextToken
   * (moto/ecs/models.py list_task_definitions). AWS pages with maxResults 1..100 and sorts DESC on request
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html).
   */
  'ecs-list-task-definitions-ignores-sort-and-page-size':
    'moto ListTaskDefinitions ignores sort and maxResults (ascending, one page)',
  /**
   * CreateInvalidation creates a new invalidation for a repeated CallerReference (no idempotency, no
   * InvalidationBatchAlreadyExists); AWS returns the earlier one for the same batch
   * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html).
   */
  'cloudfront-no-caller-reference-idempotency':
    'moto CreateInvalidation has no CallerReference idempotency (a repeat creates a second invalidation)',
  /**
   * DescribeTaskDefinition of a bare family answers its newest revision even when that one is INACTIVE;
   * AWS: "The family for the latest ACTIVE revision" (API_DescribeTaskDefinition.html, taskDefinition).
   */
  'ecs-describe-family-includes-inactive':
    'moto DescribeTaskDefinition(family) answers the newest revision even when it is INACTIVE',
  /**
   * UpdateService stores any deploymentConfiguration as given (a canaryPercent of 500, a circuit breaker with
   * CANARY, BLUE_GREEN without bakeTimeInMinutes or advancedConfiguration) and CreateService ignores it
   * (moto/ecs/models.py update_service sets attributes, create_service takes no deploymentConfiguration).
   * AWS checks them (API_DeploymentConfiguration.html, API_CanaryConfiguration.html, API_LinearConfiguration.html).
   */
  'ecs-deployment-strategy-unchecked':
    'moto UpdateService stores deploymentConfiguration unchecked (no strategy, canary, linear or circuit-breaker rules)',
  /**
   * ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment and ContinueServiceDeployment
   * answer HTTP 500 "The ... action has not been implemented" (moto 5.2.1).
   */
  'ecs-service-deployments-not-implemented':
    'moto has no ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment or ContinueServiceDeployment',
  /**
   * PutMetricData takes a namespace that begins with `AWS/` (moto/cloudwatch/responses.py stores it); AWS
   * refuses it with InvalidParameterValue, the namespaces of AWS services being theirs
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html, Namespace).
   * The MetricsPort contract relies on it to seed AWS/ApplicationELB data into moto.
   */
  'cloudwatch-put-metric-data-takes-aws-namespaces':
    'moto PutMetricData accepts namespaces that begin with AWS/ (AWS refuses them)',
  /**
   * PutMetricAlarm creates an alarm in state OK (reason "Unchecked: Initial alarm creation"); AWS: "When
   * this operation creates an alarm, the alarm state is immediately set to INSUFFICIENT_DATA"
   * (API_PutMetricAlarm.html). The analysis passes both, so no verdict depends on it.
   */
  'cloudwatch-new-alarm-is-ok': 'moto PutMetricAlarm creates the alarm in OK (AWS: INSUFFICIENT_DATA)',
  /**
   * DescribeAlarms with AlarmNames ignores StateValue (every named alarm comes back whatever its state);
   * AWS filters by both (API_DescribeAlarms.html). The adapter asks by name only and judges the states.
   */
  'cloudwatch-describe-alarms-names-ignore-state':
    'moto DescribeAlarms ignores StateValue when AlarmNames is given',
} as const;

export type MotoLimit = keyof typeof MOTO_LIMITS;

/**
 * Differences that affect no contract outcome, kept here so nobody rediscovers them:
 * - CloudFront invalidation Status is `COMPLETED` (AWS: `Completed` / `InProgress`); the adapter reads
 *   the status case-insensitively.
 * - ECR DescribeImages ignores maxResults (one page); the page-size-1 registry test pages only elsewhere.
 * - ECR derives an image digest from its layer digests (AWS: the SHA-256 of the manifest), so two
 *   manifests with the same layers share a digest; the registry contract pushes distinct layers.
 * - CloudFront ListInvalidations does not paginate.
 * - CloudFront accepts invalidation paths without a leading `/`; the stand-in refuses them (InvalidArgument).
 * - ECS RegisterTaskDefinition answers without `tags`; the adapter reads tags from DescribeTaskDefinition.
 * - ECS UpdateService accepts an INACTIVE (deregistered) revision; AWS refuses it ("you can't update an
 *   existing service to reference an INACTIVE task definition", deregister-task-definition docs), and so
 *   does the stand-in (ClientException). The deployer only ever deploys revisions it just registered.
 * - ECS accepts a RegisterTaskDefinition without containers or with a family outside [A-Za-z0-9_-], and a
 *   second CreateService of the same name; AWS and the stand-in refuse all three.
 * - ECS starts no tasks for a service, ListTasks ignores `serviceName`, RunTask fails (HTTP 500) on a
 *   container without its own `memory`, and a stopped task has no stopCode, no stoppedAt and exit code 0
 *   (moto/ecs/models.py run_task, list_tasks, stop_task). The stopped-task contract runs a task with
 *   RunTask + StopTask there and checks the stop reason only; the adapter keeps only the revision's tasks.
 * - ECS deployment strategies (issue 15; test/integration/adapters/ecs-strategy.test.ts): CreateService
 *   drops `deploymentConfiguration` (DescribeServices shows none); UpdateService stores the object as sent,
 *   replacing the previous one whole, and validates nothing (strategy `NOPE`, canaryPercent 1 with a
 *   5000-minute bake are kept), applies no defaults and starts no traffic shifting; `loadBalancers[]
 *   .advancedConfiguration` is kept as given; ListServiceDeployments, DescribeServiceDeployments and
 *   StopServiceDeployment answer 404 (not implemented). The deployer therefore always sends the whole
 *   configuration it wants kept (planDeploymentConfiguration), and ranges are checked by `validate`.
 * - CloudWatch GetMetricData does not round StartTime down to the minute (AWS: "Start time less than 15
 *   days ago - Round down to the nearest whole minute"); the adapter sums every data point it gets.
 * - Fixed, not tolerated: SQS ReceiveMessage takes a FIFO queue's in-flight groups once, when a long poll
 *   starts, so a group unblocked during the poll (its in-flight message deleted) stays unseen until the
 *   poll ends empty, and the poll spins a core meanwhile (moto/sqs/models.py receive_message). The tests'
 *   moto loads test/support/moto_sqs_long_poll.py, which looks at the groups afresh on every pass; the
 *   QueuePort contract's "long poll that began while a group was in flight" test pins it.
 */
export const MOTO_TOLERATED_DIFFERENCES = [
  'cloudfront-invalidation-status-upper-case',
  'ecr-describe-images-one-page',
  'ecr-digest-from-layers',
  'cloudfront-list-invalidations-one-page',
  'cloudfront-accepts-relative-paths',
  'ecs-register-answers-without-tags',
  'ecs-update-service-accepts-inactive',
  'ecs-register-and-create-lax-validation',
  'ecs-stopped-tasks-by-run-and-stop-task',
  'ecs-deployment-strategies-stored-not-run',
  'cloudwatch-start-time-not-rounded',
  'cloudwatch-get-metric-data-matches-dimension-supersets',
] as const;
