import { assertNever, Decider, Occurred } from '@app/ddd';
import { InvoicingNotFoundError, InvoicingRequestInvalidError, PaymentMethodRequiredError, PlanRequiredError } from './invoicing.errors';
import { InvoicingEventType, PaymentMethodEvent, PaymentMethodType } from './invoicing.events';

export interface PaymentMethod {
  readonly methodId: string;
  readonly type: PaymentMethodType;
  readonly brand: string | null;
  readonly last4: string;
  readonly expMonth: number | null;
  readonly expYear: number | null;
  readonly isDefault: boolean;
  readonly createdAt: string;
}

/** The account's methods in the order they were added; at most one is the default. */
export interface PaymentMethodsState {
  readonly methods: readonly PaymentMethod[];
}

export const initialPaymentMethodsState: PaymentMethodsState = { methods: [] };

export interface CardDetails {
  readonly type: 'card';
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface AchDetails {
  readonly type: 'ach';
  readonly accountLast4: string;
  readonly routingNumber: string;
}

export interface AddPaymentMethod {
  readonly kind: 'AddPaymentMethod';
  readonly methodId: string;
  readonly details: CardDetails | AchDetails;
  readonly tokenSealed: string;
  /** The account's plan, read from the log by the handler: ACH needs enterprise. */
  readonly plan: string;
  readonly now: Date;
}

export interface UpdatePaymentMethod {
  readonly kind: 'UpdatePaymentMethod';
  readonly methodId: string;
  readonly isDefault?: boolean;
  readonly expMonth?: number;
  readonly expYear?: number;
  readonly now: Date;
}

export interface RemovePaymentMethod {
  readonly kind: 'RemovePaymentMethod';
  readonly methodId: string;
  /** Whether the account has an invoice not paid yet (open or overdue), read from the log by the handler. */
  readonly hasUnpaidInvoice: boolean;
}

export type PaymentMethodCommand = AddPaymentMethod | UpdatePaymentMethod | RemovePaymentMethod;

/** A card is usable through the last day of its expiry month (UTC). */
export function cardExpired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
}

export function evolvePaymentMethods(state: PaymentMethodsState, event: Occurred<PaymentMethodEvent>): PaymentMethodsState {
  switch (event.type) {
    case InvoicingEventType.PaymentMethodAdded: {
      const { methodId, type, brand, last4, expMonth, expYear, isDefault } = event.data;
      const others = isDefault ? state.methods.map((m) => ({ ...m, isDefault: false })) : state.methods;
      return { methods: [...others, { methodId, type, brand, last4, expMonth, expYear, isDefault, createdAt: event.occurredAt }] };
    }
    case InvoicingEventType.PaymentMethodExpiryUpdated: {
      const { methodId, expMonth, expYear } = event.data;
      return { methods: state.methods.map((m) => (m.methodId === methodId ? { ...m, expMonth, expYear } : m)) };
    }
    case InvoicingEventType.DefaultPaymentMethodChanged:
      return { methods: state.methods.map((m) => ({ ...m, isDefault: m.methodId === event.data.methodId })) };
    case InvoicingEventType.PaymentMethodRemoved: {
      const { methodId, newDefaultMethodId } = event.data;
      return {
        methods: state.methods
          .filter((m) => m.methodId !== methodId)
          .map((m) => (newDefaultMethodId !== null && m.methodId === newDefaultMethodId ? { ...m, isDefault: true } : m)),
      };
    }
    default:
      return assertNever(event);
  }
}

function find(state: PaymentMethodsState, methodId: string): PaymentMethod {
  const method = state.methods.find((m) => m.methodId === methodId);
  if (!method) throw new InvoicingNotFoundError('payment method');
  return method;
}

function add(command: AddPaymentMethod, state: PaymentMethodsState): PaymentMethodEvent[] {
  const { details } = command;
  if (details.type === 'ach' && command.plan !== 'enterprise') throw new PlanRequiredError('ACH transfers', 'enterprise');
  if (details.type === 'card' && cardExpired(details.expMonth, details.expYear, command.now)) {
    throw new InvoicingRequestInvalidError([{ field: 'expYear', message: 'The card has expired' }]);
  }
  const isDefault = !state.methods.some((m) => m.isDefault);
  return [
    {
      type: InvoicingEventType.PaymentMethodAdded,
      data:
        details.type === 'card'
          ? {
              methodId: command.methodId,
              type: 'card',
              brand: details.brand,
              last4: details.last4,
              expMonth: details.expMonth,
              expYear: details.expYear,
              routingNumber: null,
              tokenSealed: command.tokenSealed,
              isDefault,
            }
          : {
              methodId: command.methodId,
              type: 'ach',
              brand: null,
              last4: details.accountLast4,
              expMonth: null,
              expYear: null,
              routingNumber: details.routingNumber,
              tokenSealed: command.tokenSealed,
              isDefault,
            },
    },
  ];
}

function update(command: UpdatePaymentMethod, state: PaymentMethodsState): PaymentMethodEvent[] {
  const method = find(state, command.methodId);
  const events: PaymentMethodEvent[] = [];
  const expiryGiven = command.expMonth !== undefined || command.expYear !== undefined;
  if (expiryGiven) {
    if (method.type !== 'card') {
      throw new InvoicingRequestInvalidError([{ field: 'expMonth', message: 'Only a card has an expiry' }]);
    }
    const expMonth = command.expMonth ?? method.expMonth!;
    const expYear = command.expYear ?? method.expYear!;
    if (cardExpired(expMonth, expYear, command.now)) {
      throw new InvoicingRequestInvalidError([{ field: 'expYear', message: 'The card has expired' }]);
    }
    if (expMonth !== method.expMonth || expYear !== method.expYear) {
      events.push({ type: InvoicingEventType.PaymentMethodExpiryUpdated, data: { methodId: method.methodId, expMonth, expYear } });
    }
  }
  if (command.isDefault === false && method.isDefault) {
    throw new InvoicingRequestInvalidError([
      { field: 'isDefault', message: 'One method is always the default: make another method the default instead' },
    ]);
  }
  if (command.isDefault === true && !method.isDefault) {
    const previous = state.methods.find((m) => m.isDefault);
    events.push({
      type: InvoicingEventType.DefaultPaymentMethodChanged,
      data: { methodId: method.methodId, previousMethodId: previous?.methodId ?? null },
    });
  }
  return events;
}

function remove(command: RemovePaymentMethod, state: PaymentMethodsState): PaymentMethodEvent[] {
  const method = find(state, command.methodId);
  const rest = state.methods.filter((m) => m.methodId !== method.methodId);
  if (rest.length === 0 && command.hasUnpaidInvoice) throw new PaymentMethodRequiredError();
  // The oldest remaining method takes over as the default.
  const newDefaultMethodId = method.isDefault && rest.length > 0 ? rest[0].methodId : null;
  return [{ type: InvoicingEventType.PaymentMethodRemoved, data: { methodId: method.methodId, newDefaultMethodId } }];
}

export function decidePaymentMethods(command: PaymentMethodCommand, state: PaymentMethodsState): PaymentMethodEvent[] {
  switch (command.kind) {
    case 'AddPaymentMethod':
      return add(command, state);
    case 'UpdatePaymentMethod':
      return update(command, state);
    case 'RemovePaymentMethod':
      return remove(command, state);
    default:
      return assertNever(command);
  }
}

export const paymentMethodsDecider: Decider<PaymentMethodCommand, PaymentMethodsState, PaymentMethodEvent> = {
  initialState: initialPaymentMethodsState,
  evolve: evolvePaymentMethods,
  decide: decidePaymentMethods,
};

/** Whether the account holds an ACH method (moving off enterprise is refused while it does). */
export const hasAchMethod = (state: PaymentMethodsState): boolean => state.methods.some((m) => m.type === 'ach');
