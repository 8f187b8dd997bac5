import { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './errors';

let nextId = 0;
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

interface FieldProps {
  readonly label: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly type?: string;
  readonly name?: string;
  readonly autoComplete?: string;
  readonly required?: boolean;
  readonly hint?: string;
  readonly inputMode?: 'numeric' | 'text' | 'email' | 'decimal';
  readonly min?: string;
  readonly max?: string;
  readonly step?: string;
}

/** A labelled input, with an optional hint tied to it for screen readers. */
export function Field(props: FieldProps) {
  const id = useId('field');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        min={props.min}
        max={props.max}
        step={props.step}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(event) => props.onInput((event.target as HTMLInputElement).value)}
      />
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

interface SelectProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly { value: string; label: string }[];
}

export function Select(props: SelectProps) {
  const id = useId('select');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange((event.target as HTMLSelectElement).value)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A status line: errors are announced at once (role alert), other news politely. */
export function Notice(props: { readonly kind: 'error' | 'success' | 'info'; readonly children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export interface Action {
  readonly busy: boolean;
  readonly error: string | null;
  readonly done: string | null;
  run(work: () => Promise<string | void>): Promise<void>;
  clear(): void;
}

/** One user action at a time: busy while it runs, then its error in plain words or its success line. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await work();
      if (message) setDone(message);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run, clear: () => (setError(null), setDone(null)) };
}

export function ActionNotice(props: { readonly action: Action }) {
  return (
    <>
      {props.action.error && <Notice kind="error">{props.action.error}</Notice>}
      {props.action.done && <Notice kind="success">{props.action.done}</Notice>}
    </>
  );
}

/** Loads data when the page opens (and on `reload()`), keeping the error in plain words. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(value), setError(null)),
      (caught: unknown) => live && setError(describeError(caught)),
    );
    return () => {
      live = false;
    };
  }, [version, ...deps]);
  return { data, error, reload: () => setVersion((value) => value + 1) };
}

export function Loading(props: { readonly error: string | null; readonly what: string }) {
  return props.error ? <Notice kind="error">{props.error}</Notice> : <p class="muted">Loading {props.what}…</p>;
}

export function formatInstant(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}

export function formatDate(value: string | null | undefined): string {
  return value ? new Date(value).toISOString().slice(0, 10) : '—';
}

/** Micro-units of the currency (1 USD = 1,000,000) as dollars. */
export function formatMoney(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  return (micros / 1_000_000).toLocaleString('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

export function dollarsToMicros(dollars: string): number {
  return Math.round(Number(dollars) * 1_000_000);
}
