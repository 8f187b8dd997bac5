import { DomainEvent } from '@app/ddd';

export const NOTIFICATION_KINDS = ['spending_alert', 'security', 'billing'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const NotificationEventType = {
  Created: 'notification.created',
  Read: 'notification.read',
} as const;

export type NotificationEventTypeName = (typeof NotificationEventType)[keyof typeof NotificationEventType];

/** Versions and personal fields: a title and body may name the account's keys or amounts, sealed all the same. */
export const notificationEventVersions: Readonly<Record<NotificationEventTypeName, { version: number; personal?: readonly string[] }>> = {
  [NotificationEventType.Created]: { version: 1, personal: ['title', 'body'] },
  [NotificationEventType.Read]: { version: 1 },
};

/** `title` and `body` are written by the service from amounts and names it owns, never free text of a person. */
export type NotificationCreated = DomainEvent<
  typeof NotificationEventType.Created,
  {
    readonly notificationId: string;
    readonly accountId: string;
    readonly kind: NotificationKind;
    readonly title: string;
    readonly body: string;
  }
>;

export type NotificationRead = DomainEvent<
  typeof NotificationEventType.Read,
  { readonly notificationId: string; readonly accountId: string }
>;

export type NotificationEvent = NotificationCreated | NotificationRead;

/** The in-app notifications of one account. */
export const notificationsStream = (accountId: string): string => `notifications-${accountId}`;
