export { ConcurrencyConflictError, DomainError } from './domain-error';
export { Clock, ManualClock, systemClock } from './clock';
export { assertNever, Decider, DomainEvent, fold, Occurred, StreamTail } from './domain-event';
export { RequestContext, systemContext } from './request-context';
export { EventCatalog, EventDeclaration, EventDeclarations, versionsOf } from './event-catalog';
export { CommandOutcome, CommandRunner, RunOptions, toDomainEvent } from './command-runner';
export {
  releaseUniqueValue,
  reservationStream,
  reserveUniqueValue,
  UniqueValueTakenError,
  UNIQUE_VALUE_RELEASED,
  UNIQUE_VALUE_RESERVED,
  uniquenessEventVersions,
} from './unique-value';
export { declareEvents, EventTypeDeclaration } from '@app/event-store';
export { StaffRole, STAFF_ROLES } from './staff-roles';
export { Reauthentication, ReauthenticationRequiredError, requireRecentSignIn } from './reauthentication';
