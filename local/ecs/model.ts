// In-memory shapes of the ECS stand-in. Field names follow the ECS API so describe output is a
// straight mapping.
import type { TaskProcess } from '../tasks/process-runner.ts';
import type { DeploymentSettings, ServiceLoadBalancer } from './deployment-configuration.ts';
import type { LocalServiceDeployment } from './service-deployments.ts';
import type { ServiceTraffic } from './traffic.ts';

export const LOCAL_ECS_ACCOUNT = '000000000000';
export const LOCAL_ECS_REGION = 'us-east-1';
export const ECS_ARN_PREFIX = `arn:aws:ecs:${LOCAL_ECS_REGION}:${LOCAL_ECS_ACCOUNT}`;

export type Json = Record<string, unknown>;

export interface ContainerDefinitionInput {
  name: string;
  image: string;
  environment?: { name?: string; value?: string }[];
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string }[];
  healthCheck?: { command?: string[]; [field: string]: unknown };
  [field: string]: unknown;
}

export interface LocalTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: Date;
  deregisteredAt?: Date;
  containerDefinitions: ContainerDefinitionInput[];
  /** Everything else the caller registered (cpu, memory, roles, ...), echoed back on describe. */
  extra: Json;
}

export interface LocalCluster {
  arn: string;
  name: string;
  createdAt: Date;
}

export type TaskLastStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEPROVISIONING' | 'STOPPED';

export interface LocalTask {
  id: string;
  arn: string;
  deploymentId: string;
  /** The target group the task registered with (its deployment's, blue or green). */
  targetGroupArn?: string;
  taskDefinitionArn: string;
  containerName: string;
  containerPort: number;
  hostPort: number;
  image: string;
  imageDigest?: string;
  lastStatus: TaskLastStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  createdAt: Date;
  startedAt?: Date;
  stoppedAt?: Date;
  stoppedReason?: string;
  /** TaskStopCode: EssentialContainerExited, TaskFailedToStart, ServiceSchedulerInitiated, ... */
  stopCode?: string;
  /** The container's exit code (a signal `n` reads as 128 + n, as Docker reports it). */
  exitCode?: number | null;
  /** The container's short stop reason (e.g. `CannotStartContainerError: ...`). */
  containerReason?: string;
  process?: TaskProcess;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface LocalDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinitionArn: string;
  desiredCount: number;
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAt: Date;
  updatedAt: Date;
  /** The service deployment (ListServiceDeployments) this deployment belongs to; a rollback shares its own. */
  serviceDeploymentArn?: string;
  /** The service revision this deployment runs (one per deployment). */
  serviceRevisionArn: string;
  /** The target group its tasks register with (the alternate one for the green side of a traffic shift). */
  targetGroupArn?: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface LocalService {
  arn: string;
  name: string;
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** strategy, bake times, canary/linear steps, alarms, lifecycle hooks (deployment-configuration.ts). */
  deploymentSettings: DeploymentSettings;
  loadBalancers: ServiceLoadBalancer[];
  /** Newest first, like ListServiceDeployments. */
  serviceDeployments: LocalServiceDeployment[];
  /** Which target group takes production (and test) traffic, and with what weight (traffic.ts). */
  traffic: ServiceTraffic;
  createdAt: Date;
  /** Newest first, like DescribeServices. */
  deployments: LocalDeployment[];
  tasks: LocalTask[];
  events: ServiceEvent[];
  lastCompletedTaskDefinitionArn?: string;
}
