import { isSealed } from './sealed-value';

/**
 * Where the personal fields of each event type are: dotted paths into the event's data (an array on the
 * way is walked element by element, so `lines.description` is the description of every line).
 * `metadata.ip` and `metadata.userAgent` are personal for every type and need no declaration.
 */
export interface PersonalFieldCatalog {
  personalPaths(type: string): readonly string[];
}

/** How a context declares one event type: its current schema version and its personal fields. */
export interface EventTypeDeclaration {
  readonly version: number;
  readonly personal?: readonly string[];
}

/** Last words of a field name (camelCase split) that make it personal unless declared otherwise. */
const PERSONAL_LAST_WORDS = new Set(['email', 'ip', 'name', 'nickname', 'description', 'last4', 'subject', 'body', 'phone', 'address']);

/**
 * Every append walks its events' field names through the two regular expressions below: a usage
 * append of 1,000 records asks for 4,000 names, 6% of the api's CPU under `npm run bench --
 * usage-ingestion` (cpu profile, 2026-12-02): the answer per name is kept instead.
 */
const personalNames = new Map<string, boolean>();
const PERSONAL_NAMES_KEPT = 10_000;

/**
 * Whether a field name looks personal: email, fromEmail, ip, userAgent, name, keyName, nickname,
 * description, last4, accountLast4, subject, body, phone, address, ipAddress.
 */
export function isPersonalFieldName(name: string): boolean {
  let known = personalNames.get(name);
  if (known === undefined) {
    known = looksPersonal(name);
    // Field names come from the event types' schemas, so few; the bound only keeps odd data from growing it.
    if (personalNames.size >= PERSONAL_NAMES_KEPT) personalNames.clear();
    personalNames.set(name, known);
  }
  return known;
}

function looksPersonal(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/);
  const last = words[words.length - 1];
  return PERSONAL_LAST_WORDS.has(last) || (last === 'agent' && words[words.length - 2] === 'user');
}

/** Type-level twin of `isPersonalFieldName`, for the typed declarations below. */
type PersonalSuffix =
  'Email' | 'Ip' | 'Name' | 'Nickname' | 'Description' | 'Last4' | 'Subject' | 'Body' | 'Phone' | 'Address' | 'UserAgent';
type PersonalName = Uncapitalize<PersonalSuffix> | `${string}${PersonalSuffix}`;
type Textual = string | readonly string[];

/** The keys of an event's data that look personal and hold text: each must be declared personal. */
export type PersonalKeysOf<Data> = {
  [K in keyof Data & string]-?: K extends PersonalName ? (NonNullable<Data[K]> extends Textual ? K : never) : never;
}[keyof Data & string];

type DataOf<Event, Type> = Event extends { readonly type: Type; readonly data: infer Data } ? Data : never;
type Declared<Declaration> = Declaration extends { readonly personal: readonly (infer Path)[] } ? Path : never;

/**
 * The typed marker: `declareEvents<MyEvent>()({...})` does not compile when an event type of the union
 * is missing, or when a text field whose name looks personal (top level) is not in its `personal` list.
 * The event store checks the same at every append, at any depth (`PersonalFieldInClearError`).
 */
export function declareEvents<Event extends { readonly type: string; readonly data: object }>() {
  return <const Declarations extends { readonly [Type in Event['type']]: EventTypeDeclaration }>(
    declarations: Declarations & {
      readonly [Type in Event['type']]: [Exclude<PersonalKeysOf<DataOf<Event, Type>>, Declared<Declarations[Type]>>] extends [never]
        ? EventTypeDeclaration
        : { readonly personal: readonly Exclude<PersonalKeysOf<DataOf<Event, Type>>, Declared<Declarations[Type]>>[] };
    },
  ): Declarations => declarations;
}

/** A personal-looking field of event data is in clear and not declared personal for its type. */
export class PersonalFieldInClearError extends Error {
  readonly code = 'personal_field_in_clear' as const;

  constructor(
    readonly type: string,
    readonly paths: readonly string[],
  ) {
    super(`event ${type}: ${paths.join(', ')} look personal but are not declared personal (declare them, see libs/event-store README)`);
  }
}

/** Dotted paths (arrays walked through) of text values under personal-looking names that `declared` misses. */
export function undeclaredPersonalFields(data: unknown, declared: readonly string[]): string[] {
  const found = findUndeclared(data, '', undefined, declared, undefined);
  return found ? [...found] : [];
}

/**
 * The walk of `undeclaredPersonalFields`, at module level (its closures were allocated at every append),
 * with the set of what it found made only once it finds one. The path of a field is built only where it
 * is needed (a personal-looking text, an object to walk into), not for every field: a usage append has
 * 4,000 fields of scalars.
 */
function findUndeclared(
  value: unknown,
  parent: string,
  name: string | undefined,
  declared: readonly string[],
  found: Set<string> | undefined,
): Set<string> | undefined {
  if (Array.isArray(value)) {
    for (const item of value) found = findUndeclared(item, parent, name, declared, found);
    return found;
  }
  if (typeof value === 'string') {
    if (name === undefined || !isPersonalFieldName(name) || isSealed(value)) return found;
    const path = parent === '' ? name : `${parent}.${name}`;
    if (!declared.includes(path)) (found ??= new Set()).add(path);
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  const path = name === undefined ? parent : parent === '' ? name : `${parent}.${name}`;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) found = findUndeclared(record[key], path, key, declared, found);
  return found;
}

/** Every leaf at `segments` (from `depth` on, arrays walked through), for collecting the sealed values to open. */
export function leavesAtPath(value: unknown, segments: readonly string[], into: unknown[], depth = 0): void {
  if (Array.isArray(value)) {
    for (const item of value) leavesAtPath(item, segments, into, depth);
    return;
  }
  if (depth === segments.length) {
    if (value !== null && value !== undefined) into.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (segments[depth] in record) leavesAtPath(record[segments[depth]], segments, into, depth + 1);
}
