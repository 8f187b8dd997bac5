/** HTML that is already safe to embed: literal template text, escaped values, or other SafeHtml. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tagged template: every interpolated value is escaped unless it is SafeHtml; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const render = (value: unknown): string => {
    if (value instanceof SafeHtml) return value.value;
    if (Array.isArray(value)) return value.map(render).join('');
    if (value === null || value === undefined || value === false) return '';
    return escapeHtml(String(value));
  };
  return new SafeHtml(strings.reduce((out, literal, i) => out + literal + (i < values.length ? render(values[i]) : ''), ''));
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplate<P> = (params: P) => RenderedMail;

/**
 * Defines a mail as a function of its parameters. The html part must be built with the `html` tag,
 * so parameters are escaped; the subject is kept to one line.
 */
export function mailTemplate<P>(render: (params: P) => { subject: string; text: string; html: SafeHtml }): MailTemplate<P> {
  return (params) => {
    const mail = render(params);
    return { subject: mail.subject.replace(/\s+/g, ' ').trim(), text: mail.text, html: mail.html.value };
  };
}
