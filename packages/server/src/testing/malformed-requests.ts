import {
  BAD_PERCENT,
  CONTENT_TYPES,
  FALLBACK_FIELDS,
  METHODS,
  NOT_JSON,
  VALUES,
} from './malformed-values.js';

/** A route to fuzz, as Fastify declares it. */
export interface FuzzedRoute {
  readonly method: string;
  /** The path pattern, `/v1/logins/:id/status`; `*` is a catch-all. */
  readonly url: string;
  /** The route's JSON schema, whose body and query fields the requests aim at. */
  readonly schema?: unknown;
}

/** One malformed request, described well enough to replay it. */
export interface MalformedRequest {
  /** What is wrong with it, e.g. `nul-path` or `wrong-types`. */
  readonly kind: string;
  /** The route it aims at, `POST /v1/logins/:id/verify`. */
  readonly route: string;
  /** The credentials to send it with: one of the names given to {@link malformedRequests}. */
  readonly credentials: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
}

/**
 * A deterministic series of malformed requests over `routes`, in turn, so
 * every route gets `count / routes.length` of them, of every kind in turn: wrong JSON types for each
 * field its schema names, bodies over the limit or nested thousands deep,
 * invalid UTF-8, NUL characters in the path, the query, headers and the
 * body, wrong content types, `__proto__` and `constructor` keys, oversized
 * ids, bad percent-encoding, other methods, malformed credentials. The same
 * `seed` gives the same requests, so a failure can be replayed.
 */
export function malformedRequests(
  routes: readonly FuzzedRoute[],
  options: {
    seed: number;
    count: number;
    credentials: readonly string[];
    /**
     * Plausible values by field name (`email`, `amount`, `operation`…): a body
     * is built right from them and the schema, then one field is broken, so
     * the broken field reaches the handler past the others' checks.
     */
    hints?: Readonly<Record<string, unknown>>;
    /** The credentials a route takes, sent to it every other round so its handler is reached. */
    credentialsFor?: (route: FuzzedRoute) => readonly string[];
  },
): MalformedRequest[] {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const requests: MalformedRequest[] = [];
  for (let i = 0; i < options.count; i++) {
    // Every route gets every kind in turn; each round alternates between the
    // credentials the route takes and any credentials at all.
    const route = routes[i % routes.length] as FuzzedRoute;
    const round = Math.floor(i / routes.length);
    const kind = KINDS[round % KINDS.length] as (typeof KINDS)[number];
    const fitting = options.credentialsFor?.(route) ?? [];
    const credentials =
      fitting.length > 0 && Math.floor(round / KINDS.length) % 2 === 0
        ? pick(fitting)
        : pick(options.credentials);
    requests.push({
      kind,
      route: `${route.method} ${route.url}`,
      credentials,
      ...build(route, kind, random, pick, options.hints ?? {}),
    });
  }
  return requests;
}

const KINDS = [
  'wrong-types',
  'wrong-types',
  'wrong-types',
  'wrong-types',
  'nul-body',
  'nul-body',
  'proto-keys',
  'huge-body',
  'deep-body',
  'invalid-utf8',
  'nul-body',
  'nul-path',
  'nul-query',
  'nul-header',
  'content-type',
  'not-json',
  'long-id',
  'bad-percent',
  'other-method',
  'query-types',
  'bad-credentials',
] as const;

function build(
  route: FuzzedRoute,
  kind: (typeof KINDS)[number],
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
  hints: Readonly<Record<string, unknown>>,
): Omit<MalformedRequest, 'kind' | 'route' | 'credentials'> {
  const schema = (route.schema ?? {}) as { body?: unknown; querystring?: unknown };
  const id = () => hex(random, 32);
  let param = id;
  if (kind === 'nul-path') param = () => pick(['%00', 'a%00b', `${hex(random, 31)}%00`]);
  if (kind === 'long-id') param = () => 'a'.repeat(pick([65, 101, 1000, 5000]));
  if (kind === 'bad-percent') param = () => pick(BAD_PERCENT);
  const path = route.url
    .split('/')
    .map((part) => (part.startsWith(':') ? param() : part === '*' ? `${param()}.html` : part))
    .join('/');

  let query = '';
  const queryFields = [...fieldsOf(schema.querystring), 'wait', 'limit', 'before'];
  if (kind === 'nul-query') query = `?${queryFields.map((f) => `${f}=%00`).join('&')}`;
  if (kind === 'query-types') {
    query = `?${queryFields
      .map(
        (f) =>
          `${f}=${encodeURIComponent(pick(['-1', '1e309', '99999999999999999999', 'NaN', '', 'abc', '0x10', ' 1', '1.5']))}`,
      )
      .join('&')}&${pick(queryFields)}=1&${pick(queryFields)}=2`;
  }
  if (kind === 'bad-percent' && random() < 0.5)
    query = `?${pick(queryFields)}=${pick(BAD_PERCENT)}`;
  if (kind === 'proto-keys') {
    query = `?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x&${pick(queryFields)}=1`;
  }

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': hex(random, 16),
  };
  if (kind === 'nul-header') {
    const name = pick([
      'idempotency-key',
      'x-wait-token',
      'x-page-token',
      'x-csrf-token',
      'user-agent',
      'cipherpad-signature',
      'x-forwarded-for',
    ]);
    headers[name] = pick(['\u0000', 'a\u0000b', `${hex(random, 20)}\u0000`]);
  }
  if (kind === 'content-type') headers['content-type'] = pick(CONTENT_TYPES);
  if (kind === 'bad-credentials') {
    headers.authorization = pick([
      'Basic %%%',
      `Basic ${Buffer.from('\u0000:\u0000').toString('base64')}`,
      `Basic ${Buffer.from(`cps_${'a'.repeat(22)}\u0000:x`).toString('base64')}`,
      `Bearer ${'a'.repeat(5000)}`,
      'Bearer \u0000',
      'Cipherpad-Device id=\u0000,ts=NaN,sig=AAAA',
      `Cipherpad-Device id=${'a'.repeat(300)},ts=1e400,sig=${'A'.repeat(200)}`,
    ]);
    headers.cookie = pick([
      'cp_session=%00',
      'cp_session=\u0000',
      `keeper_session=${'a'.repeat(3000)}`,
      '=;=;;',
    ]);
  }

  const method = kind === 'other-method' ? pick(METHODS) : route.method;
  const fields = fieldsOf(schema.body);
  // A body schema, even one without fields (a route that takes `{}`).
  const declared = (schema.body as { type?: unknown } | undefined)?.type === 'object';
  const names = fields.length > 0 ? fields : FALLBACK_FIELDS;
  const objectBody = (): Record<string, unknown> => {
    const body = declared
      ? (plausible(schema.body, hints) as Record<string, unknown>)
      : Object.fromEntries(
          names
            .filter(() => random() < 0.5)
            .map((name) => [name, structuredClone(hints[name] ?? 'x')]),
        );
    const leaves = leavesOf(body);
    if (kind === 'nul-body') {
      const [parent, key] = leaves.length > 0 ? pick(leaves) : [body, pick(names)];
      const before = parent[key];
      parent[key] = pick([
        '\u0000',
        `${typeof before === 'string' ? before : 'x'}\u0000`,
        `\u0000${hex(random, 4)}`,
      ]);
      if (random() < 0.2) body[`key\u0000${hex(random, 2)}`] = 'x';
    } else if (declared && leaves.length === 0 && random() < 0.5) {
      // A route that takes an empty object: sent as is, to reach its handler.
    } else {
      for (let broken = 1 + Math.floor(random() * 2); broken > 0; broken--) {
        const [parent, key] =
          leaves.length > 0 && random() < 0.8 ? pick(leaves) : [body, pick(names)];
        parent[key] = structuredClone(pick(VALUES));
      }
    }
    return body;
  };

  let payload: string | Buffer | undefined;
  switch (kind) {
    case 'huge-body':
      payload = JSON.stringify({
        [pick(names)]: 'x'.repeat(16 * 1024 + Math.floor(random() * 48 * 1024)),
      });
      break;
    case 'deep-body': {
      const depth = 2000 + Math.floor(random() * 5000);
      payload =
        random() < 0.5
          ? `${'['.repeat(depth)}${']'.repeat(depth)}`
          : `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}`;
      break;
    }
    case 'invalid-utf8':
      payload = Buffer.concat([
        Buffer.from(`{"${pick(names)}":"`),
        Buffer.from(
          pick([
            [0xff],
            [0xfe, 0xff],
            [0xc0, 0xaf],
            [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0x80],
          ]),
        ),
        Buffer.from('"}'),
      ]);
      break;
    case 'proto-keys':
      payload =
        `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(
          objectBody(),
        ).slice(1)}`.replace(/,}$/, '}');
      break;
    case 'not-json':
      payload = pick(NOT_JSON);
      break;
    default:
      payload = method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(objectBody());
  }
  if (payload === undefined) delete headers['content-type'];
  return { method, url: `${path}${query}`, headers, ...(payload === undefined ? {} : { payload }) };
}

/** A value that fits `schema`, from `hints` by field name where it gives one. */
function plausible(schema: unknown, hints: Readonly<Record<string, unknown>>, name = ''): unknown {
  if (name in hints) return structuredClone(hints[name]);
  const s = (schema ?? {}) as { type?: unknown; enum?: readonly unknown[]; properties?: object };
  if (s.enum && s.enum.length > 0) return s.enum[0];
  if (s.properties || s.type === 'object') {
    const body: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      body[key] = plausible(property, hints, key);
    }
    return body;
  }
  if (s.type === 'array') return [];
  if (s.type === 'number' || s.type === 'integer') return 1;
  if (s.type === 'boolean') return true;
  return 'x';
}

/** Every place in `value` that holds something other than an object: [its parent, its key]. */
function leavesOf(value: Record<string, unknown>): [Record<string, unknown>, string][] {
  const leaves: [Record<string, unknown>, string][] = [];
  const stack = [value];
  while (stack.length > 0) {
    const parent = stack.pop() as Record<string, unknown>;
    for (const [key, child] of Object.entries(parent)) {
      if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
        stack.push(child as Record<string, unknown>);
      } else leaves.push([parent, key]);
    }
  }
  return leaves;
}

/** The property names of an object schema. */
function fieldsOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function hex(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
  return text;
}

/** A small seeded generator (mulberry32): the same seed, the same series. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
