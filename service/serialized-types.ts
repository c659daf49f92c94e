// The types the generated serializers (service/generated/) take, gathered for their declarations.
export type { VersionReport } from '../common/contract.ts';
export type { Actor } from './actors-data.ts';
export type { ErrorBody } from './http-errors.ts';
export type { ActorList, HealthBody } from './response-schemas.ts';
