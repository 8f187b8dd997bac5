import { assertNever, Decider, Occurred } from '@app/ddd';
import { BillingNotFoundError } from './billing.errors';
import { NotificationEvent, NotificationEventType, NotificationKind } from './notification.events';

export interface NotificationsState {
  /** notification id -> read */
  readonly notifications: ReadonlyMap<string, boolean>;
}

export const initialNotificationsState: NotificationsState = { notifications: new Map() };

/** `notificationId` is derived from the fact that causes it, so a retried job creates nothing twice. */
export interface CreateNotification {
  readonly kind: 'CreateNotification';
  readonly accountId: string;
  readonly notificationId: string;
  readonly notificationKind: NotificationKind;
  readonly title: string;
  readonly body: string;
}

export interface MarkNotificationRead {
  readonly kind: 'MarkNotificationRead';
  readonly accountId: string;
  readonly notificationId: string;
}

export type NotificationsCommand = CreateNotification | MarkNotificationRead;

export function evolveNotifications(state: NotificationsState, event: Occurred<NotificationEvent>): NotificationsState {
  const notifications = new Map(state.notifications);
  switch (event.type) {
    case NotificationEventType.Created:
      notifications.set(event.data.notificationId, false);
      return { notifications };
    case NotificationEventType.Read:
      notifications.set(event.data.notificationId, true);
      return { notifications };
    default:
      return assertNever(event);
  }
}

function create(command: CreateNotification, state: NotificationsState): NotificationEvent[] {
  if (state.notifications.has(command.notificationId)) return [];
  const { accountId, notificationId, title, body } = command;
  return [{ type: NotificationEventType.Created, data: { notificationId, accountId, kind: command.notificationKind, title, body } }];
}

/** Another account's notification is "not found", like a missing one; reading twice is a no-op. */
function markRead(command: MarkNotificationRead, state: NotificationsState): NotificationEvent[] {
  const read = state.notifications.get(command.notificationId);
  if (read === undefined) throw new BillingNotFoundError('notification');
  if (read) return [];
  return [{ type: NotificationEventType.Read, data: { notificationId: command.notificationId, accountId: command.accountId } }];
}

export function decideNotifications(command: NotificationsCommand, state: NotificationsState): NotificationEvent[] {
  switch (command.kind) {
    case 'CreateNotification':
      return create(command, state);
    case 'MarkNotificationRead':
      return markRead(command, state);
    default:
      return assertNever(command);
  }
}

export const notificationsDecider: Decider<NotificationsCommand, NotificationsState, NotificationEvent> = {
  initialState: initialNotificationsState,
  evolve: evolveNotifications,
  decide: decideNotifications,
};
