import { useState } from 'preact/hooks';
import { Schema } from '@app/client';
import { api, call, saveFile } from '../api';
import {
  ActionNotice,
  Field,
  Loading,
  Notice,
  Select,
  dollarsToMicros,
  formatDate,
  formatInstant,
  formatMoney,
  useAction,
  useLoad,
} from '../ui';

const SERVICES = ['chat', 'video', 'models'] as const;
type Service = (typeof SERVICES)[number];
type CardBrand = NonNullable<Schema<'AddPaymentMethodDto'>['brand']>;
const CARD_BRANDS: readonly CardBrand[] = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay'];
const SERVICE_CLASS: Record<string, string> = { chat: 'series-chat', video: 'series-video', models: 'series-models' };

/** `byService` is documented as an object without its keys: the contract names them (chat, video, models). */
type Overview = Omit<Schema<'OverviewDto'>, 'byService'> & { readonly byService: Record<Service, number> };
type Alert = Schema<'SpendingAlertDto'>;
type Invoice = Schema<'InvoiceDto'>;
type PaymentMethod = Schema<'PaymentMethodDto'>;
type Notification = Schema<'NotificationDto'>;

interface DaySpend {
  readonly date: string;
  readonly amounts: Record<string, number>;
}

/** The usage report's lines (`date,service,records,amount_micros`) as one total per day and service. */
export function parseUsageCsv(csv: string): DaySpend[] {
  const days = new Map<string, Record<string, number>>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [date, service, , amount] = line.split(',');
    if (!date || !service) continue;
    const day = days.get(date) ?? {};
    day[service] = (day[service] ?? 0) + Number(amount);
    days.set(date, day);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, amounts]) => ({ date, amounts }));
}

function SpendChart(props: { readonly period: string }) {
  const usage = useLoad(
    async () =>
      parseUsageCsv(
        await call(
          api.GET('/v1/billing/usage.csv', {
            params: { query: { period: props.period } },
            headers: { accept: 'text/csv' },
            parseAs: 'text',
          }),
        ),
      ),
    [props.period],
  );
  if (!usage.data) return <Loading error={usage.error} what="daily spend" />;
  const days = usage.data;
  if (days.length === 0) return <p>No usage recorded in {props.period} yet.</p>;
  const totals = days.map((day) => SERVICES.reduce((sum, service) => sum + (day.amounts[service] ?? 0), 0));
  const top = Math.max(...totals, 1);
  const width = 640;
  const height = 220;
  const barWidth = Math.max(4, Math.floor((width - 40) / days.length) - 4);
  const summary = `Daily spend in ${props.period}: highest ${formatMoney(top)} on ${days[totals.indexOf(top)].date}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height + 30}`} role="img" aria-label={summary} data-testid="spend-chart">
        <line x1="36" y1={height} x2={width} y2={height} class="axis" />
        <text x="0" y="12" class="tick">
          {formatMoney(top)}
        </text>
        {days.map((day, index) => {
          let y = height;
          const x = 40 + index * (barWidth + 4);
          return (
            <g key={day.date}>
              {SERVICES.map((service) => {
                const amount = day.amounts[service] ?? 0;
                const barHeight = (amount / top) * (height - 20);
                y -= barHeight;
                return amount > 0 ? (
                  <rect key={service} x={x} y={y} width={barWidth} height={barHeight} class={SERVICE_CLASS[service]}>
                    <title>{`${day.date} ${service}: ${formatMoney(amount)}`}</title>
                  </rect>
                ) : null;
              })}
              {(index === 0 || index === days.length - 1) && (
                <text x={x} y={height + 20} class="tick">
                  {day.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {SERVICES.map((service) => (
            <li key={service}>
              <span class={`swatch ${SERVICE_CLASS[service]}`} aria-hidden="true" />
              {service}
            </li>
          ))}
        </ul>
        <details>
          <summary>Daily spend as a table</summary>
          <div class="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {SERVICES.map((service) => (
                    <th scope="col" key={service}>
                      {service}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {days.map((day) => (
                  <tr key={day.date}>
                    <th scope="row">{day.date}</th>
                    {SERVICES.map((service) => (
                      <td key={service}>{formatMoney(day.amounts[service] ?? 0)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}

function PlanAndLimits(props: { readonly overview: Overview; readonly onChanged: () => void }) {
  const { overview } = props;
  const alerts = useLoad(() => call(api.GET('/v1/billing/alerts')));
  const [service, setService] = useState<Service>('chat');
  const [budget, setBudget] = useState('');
  const [threshold, setThreshold] = useState('80');
  const [notify, setNotify] = useState<Alert['notify']>('both');
  const [cap, setCap] = useState('');
  const action = useAction();
  const paidPlan = overview.plan !== 'basic';
  const switchPlan = (plan: 'basic' | 'professional') =>
    action.run(async () => {
      const answer = await call(api.PUT('/v1/billing/plan', { body: { plan } }));
      props.onChanged();
      alerts.reload();
      const off = answer.switchedOff.map((what) => (what === 'spending_cap' ? 'the spending cap' : 'spending alerts'));
      return `You are on the ${answer.plan} plan.${off.length ? ` Switched off: ${off.join(' and ')}.` : ''}`;
    });
  const saveAlert = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(
        api.PUT('/v1/billing/alerts/{service}', {
          params: { path: { service } },
          body: { budgetMicros: dollarsToMicros(budget), thresholdPercent: Number(threshold), notify },
        }),
      );
      alerts.reload();
      return `Alert for ${service} saved: you are told at ${threshold}% of ${formatMoney(dollarsToMicros(budget))}.`;
    });
  };
  const removeAlert = (alert: Alert) =>
    action.run(async () => {
      await call(api.DELETE('/v1/billing/alerts/{service}', { params: { path: { service: alert.service } } }));
      alerts.reload();
      return `Alert for ${alert.service} removed.`;
    });
  const saveCap = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await call(api.PUT('/v1/billing/spending-cap', { body: { capMicros: dollarsToMicros(cap) } }));
      props.onChanged();
      return `Spending cap set to ${formatMoney(answer.capMicros)}. Past it, API requests answer 429 until the period ends or you raise it.`;
    });
  };
  const removeCap = () =>
    action.run(async () => {
      await call(api.DELETE('/v1/billing/spending-cap'));
      props.onChanged();
      return 'Spending cap removed.';
    });
  return (
    <section class="panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Plan, alerts and cap</h2>
      <p>
        You are on the <strong>{overview.plan}</strong> plan.{' '}
        {overview.plan === 'enterprise' ? 'Your account representative changes enterprise plans.' : null}
      </p>
      {overview.plan !== 'enterprise' && (
        <button type="button" onClick={() => switchPlan(overview.plan === 'basic' ? 'professional' : 'basic')} disabled={action.busy}>
          {overview.plan === 'basic' ? 'Upgrade to Professional' : 'Downgrade to Basic'}
        </button>
      )}
      {!paidPlan && <p class="muted">Spending alerts and a hard cap come with the Professional and Enterprise plans.</p>}
      {paidPlan && (
        <>
          <h3>Spending alerts</h3>
          {alerts.data && alerts.data.items.length > 0 && (
            <ul>
              {alerts.data.items.map((alert) => (
                <li key={alert.service}>
                  {alert.service}: at {alert.thresholdPercent}% of {formatMoney(alert.budgetMicros)}, by {alert.notify.replace('_', '-')}{' '}
                  <button type="button" class="secondary" onClick={() => removeAlert(alert)}>
                    Remove<span class="visually-hidden"> the {alert.service} alert</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form onSubmit={saveAlert}>
            <Select
              label="Service"
              value={service}
              onChange={(value) => setService(value as Service)}
              options={SERVICES.map((value) => ({ value, label: value }))}
            />
            <Field label="Monthly budget (USD)" type="number" min="0" step="0.01" value={budget} onInput={setBudget} required />
            <Field label="Alert at (% of the budget)" type="number" min="1" max="100" value={threshold} onInput={setThreshold} required />
            <Select
              label="Notify me by"
              value={notify}
              onChange={(value) => setNotify(value as Alert['notify'])}
              options={[
                { value: 'email', label: 'Email' },
                { value: 'in_app', label: 'In-app notification' },
                { value: 'both', label: 'Both' },
              ]}
            />
            <button type="submit" disabled={action.busy}>
              Save alert
            </button>
          </form>
          <h3>Hard spending cap</h3>
          <p>{overview.spendingCapMicros === null ? 'No cap is set.' : `Current cap: ${formatMoney(overview.spendingCapMicros)}.`}</p>
          <form onSubmit={saveCap}>
            <Field label="Cap for the month (USD)" type="number" min="0" step="0.01" value={cap} onInput={setCap} required />
            <div class="row">
              <button type="submit" disabled={action.busy}>
                Set cap
              </button>
              {overview.spendingCapMicros !== null && (
                <button type="button" class="secondary" onClick={removeCap} disabled={action.busy}>
                  Remove cap
                </button>
              )}
            </div>
          </form>
        </>
      )}
      <ActionNotice action={action} />
    </section>
  );
}

function Invoices() {
  const invoices = useLoad(() => call(api.GET('/v1/billing/invoices', { params: { query: { limit: '100' } } })));
  const action = useAction();
  const pdf = (invoice: Invoice) =>
    action.run(async () => {
      const pdf = api.GET('/v1/billing/invoices/{id}/pdf', {
        params: { path: { id: invoice.id } },
        headers: { accept: 'application/pdf' },
        parseAs: 'blob',
      });
      saveFile(await call(pdf), `${invoice.number}.pdf`);
    });
  return (
    <section aria-labelledby="invoices-heading">
      <h2 id="invoices-heading">Invoices</h2>
      {!invoices.data ? (
        <Loading error={invoices.error} what="invoices" />
      ) : invoices.data.items.length === 0 ? (
        <p>No invoices yet: the first one is issued when your first month closes.</p>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Invoice history</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Period</th>
                <th scope="col">Issued</th>
                <th scope="col">Due</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">PDF</th>
              </tr>
            </thead>
            <tbody>
              {invoices.data.items.map((invoice) => (
                <tr key={invoice.id}>
                  <th scope="row">{invoice.number}</th>
                  <td>{invoice.period}</td>
                  <td>{formatDate(invoice.issuedAt)}</td>
                  <td>
                    {formatDate(invoice.dueAt)}
                    {invoice.paymentTerms === 'net_30' && ' (net 30)'}
                  </td>
                  <td>{formatMoney(invoice.totalMicros)}</td>
                  <td>
                    <span class={`badge badge-${invoice.status}`}>{invoice.status}</span>
                  </td>
                  <td>
                    <button type="button" class="secondary" onClick={() => pdf(invoice)} disabled={action.busy}>
                      Download<span class="visually-hidden"> {invoice.number} as PDF</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ActionNotice action={action} />
    </section>
  );
}

function PaymentMethods(props: { readonly plan: string }) {
  const methods = useLoad(() => call(api.GET('/v1/billing/payment-methods')));
  const [brand, setBrand] = useState<CardBrand>('visa');
  const [last4, setLast4] = useState('');
  const [expiry, setExpiry] = useState('');
  const [token, setToken] = useState('');
  const action = useAction();
  const add = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const [year, month] = expiry.split('-').map(Number);
      await call(
        api.POST('/v1/billing/payment-methods', {
          body: { type: 'card', brand, last4: last4.trim(), expMonth: month, expYear: year, token: token.trim() },
        }),
      );
      methods.reload();
      setBrand('visa');
      setLast4('');
      setExpiry('');
      setToken('');
      return 'Card added.';
    });
  };
  const makeDefault = (method: PaymentMethod) =>
    action.run(async () => {
      await call(api.PATCH('/v1/billing/payment-methods/{id}', { params: { path: { id: method.id } }, body: { isDefault: true } }));
      methods.reload();
      return 'Default payment method changed.';
    });
  const remove = (method: PaymentMethod) =>
    action.run(async () => {
      await call(api.DELETE('/v1/billing/payment-methods/{id}', { params: { path: { id: method.id } } }));
      methods.reload();
      return 'Payment method removed.';
    });
  return (
    <section class="panel" aria-labelledby="payment-heading">
      <h2 id="payment-heading">Payment methods</h2>
      {!methods.data ? (
        <Loading error={methods.error} what="payment methods" />
      ) : methods.data.items.length === 0 ? (
        <p>No payment method on file.</p>
      ) : (
        <ul class="plain">
          {methods.data.items.map((method) => (
            <li key={method.id}>
              {method.type === 'card'
                ? `${method.brand ?? 'Card'} ending ${method.last4}, expires ${method.expMonth}/${method.expYear}`
                : `Bank account ending ${method.last4} (ACH)`}
              {method.isDefault ? (
                <span class="badge badge-active">Default</span>
              ) : (
                <button type="button" class="secondary" onClick={() => makeDefault(method)}>
                  Make default
                </button>
              )}
              <button type="button" class="secondary" onClick={() => remove(method)}>
                Remove<span class="visually-hidden"> the method ending {method.last4}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <h3>Add a card</h3>
        <p class="muted">
          Card numbers never reach this service: your payment processor gives a token for the card.
          {props.plan === 'enterprise' ? ' Enterprise accounts can also pay by ACH through their account representative.' : ''}
        </p>
        <Select
          label="Card brand"
          value={brand}
          onChange={(value) => setBrand(value as CardBrand)}
          options={CARD_BRANDS.map((value) => ({
            value,
            label: value === 'amex' ? 'American Express' : value[0].toUpperCase() + value.slice(1),
          }))}
        />
        <Field label="Last four digits" value={last4} onInput={setLast4} inputMode="numeric" required />
        <Field label="Expiry (month)" type="month" value={expiry} onInput={setExpiry} required />
        <Field label="Payment processor token" value={token} onInput={setToken} required />
        <button type="submit" disabled={action.busy}>
          Add card
        </button>
      </form>
      <ActionNotice action={action} />
    </section>
  );
}

function Disputes() {
  const disputes = useLoad(() => call(api.GET('/v1/billing/disputes')));
  const [reference, setReference] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const ref = reference.trim();
      const body = { ...(/^INV-/i.test(ref) ? { invoiceNumber: ref.toUpperCase() } : { chargeRef: ref }), description: description.trim() };
      const answer = await call(api.POST('/v1/billing/disputes', { body }));
      disputes.reload();
      setReference('');
      setDescription('');
      return `Dispute sent. The billing team answers by ${formatInstant(answer.respondBy)}.`;
    });
  };
  const descriptionId = 'dispute-description';
  return (
    <section class="panel" aria-labelledby="disputes-heading">
      <h2 id="disputes-heading">Disputes</h2>
      {disputes.data && disputes.data.items.length > 0 && (
        <ul class="plain">
          {disputes.data.items.map((dispute) => (
            <li key={dispute.id}>
              {dispute.invoiceNumber ?? dispute.chargeRef}: {dispute.description} ·{' '}
              <span class={`badge badge-${dispute.status}`}>{dispute.status}</span>{' '}
              <span class="muted">answer due {formatDate(dispute.respondBy)}</span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit}>
        <Field
          label="Invoice number or charge reference"
          value={reference}
          onInput={setReference}
          hint="For example INV-2026-000042"
          required
        />
        <div class="field">
          <label for={descriptionId}>What is wrong with the charge?</label>
          <textarea
            id={descriptionId}
            value={description}
            required
            onInput={(event) => setDescription((event.target as HTMLTextAreaElement).value)}
          />
        </div>
        <button type="submit" disabled={action.busy}>
          Open a dispute
        </button>
      </form>
      <ActionNotice action={action} />
    </section>
  );
}

function Notifications() {
  const notifications = useLoad(() => call(api.GET('/v1/notifications')));
  const unread = notifications.data?.items.filter((item) => item.readAt === null) ?? [];
  if (unread.length === 0) return null;
  const markRead = async (item: Notification) => {
    await call(api.POST('/v1/notifications/{id}/read', { params: { path: { id: item.id } } })).catch(() => undefined);
    notifications.reload();
  };
  return (
    <section class="panel" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <ul class="plain">
        {unread.map((item) => (
          <li key={item.id}>
            <strong>{item.title}</strong> {item.body} <span class="muted">{formatInstant(item.createdAt)}</span>{' '}
            <button type="button" class="secondary" onClick={() => markRead(item)}>
              Mark as read<span class="visually-hidden">: {item.title}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function BillingPage() {
  const overview = useLoad(() => call(api.GET('/v1/billing/overview')) as Promise<Overview>);
  if (!overview.data)
    return (
      <>
        <h1>Billing</h1>
        <Loading error={overview.error} what="billing" />
      </>
    );
  const data = overview.data;
  return (
    <>
      <h1>Billing</h1>
      <Notifications />
      {data.capReached && (
        <Notice kind="error">Your spending cap is reached: API requests answer 429 until the period ends or you raise the cap.</Notice>
      )}
      <section aria-labelledby="overview-heading">
        <h2 id="overview-heading">
          {data.period} ({formatDate(data.periodStart)} to {formatDate(data.periodEnd)})
        </h2>
        <div class="cards">
          <div class="stat">
            <span class="stat-label">Month to date</span>
            <span class="stat-value" data-testid="month-to-date">
              {formatMoney(data.monthToDateMicros)}
            </span>
          </div>
          <div class="stat">
            <span class="stat-label">Projected for the month</span>
            <span class="stat-value">{formatMoney(data.projectedMicros)}</span>
          </div>
          {SERVICES.map((service) => (
            <div class="stat" key={service}>
              <span class="stat-label">{service}</span>
              <span class="stat-value">{formatMoney(data.byService[service] ?? 0)}</span>
            </div>
          ))}
        </div>
        <SpendChart period={data.period} />
      </section>
      <PlanAndLimits overview={data} onChanged={overview.reload} />
      <Invoices />
      <PaymentMethods plan={data.plan} />
      <Disputes />
    </>
  );
}
