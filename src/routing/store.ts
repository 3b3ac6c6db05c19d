import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { ROUTING_ENVIRONMENTS, routingAuthorization, routingEntry, type RoutingEnvironment } from '../db/schema.js';
import { inputInvalid } from '../errors/index.js';

/**
 * The routing table, what the national platform keeps in TAK (tjänsteadresseringskatalogen):
 * routes ("vägval": logical address + service contract → producer endpoint) and call
 * authorizations ("anropsbehörighet": consumer + contract + logical address). A contract is
 * named by its responder namespace. Each environment (sit, qa, production) has its own table.
 *
 * A logical address without a route is a fact about one source, not a failure of the request:
 * it comes back as a value for the fan-out to report, never as a throw.
 */

export { ROUTING_ENVIRONMENTS, type RoutingEnvironment } from '../db/schema.js';

/** Logical address that grants a consumer a contract at every address. */
export const ANY_LOGICAL_ADDRESS = '*';

export interface Route {
  readonly logicalAddress: string;
  readonly serviceContractNamespace: string;
  readonly endpointUrl: string;
  readonly environment: RoutingEnvironment;
  readonly createdAt: Date;
}

export interface RouteKey {
  readonly logicalAddress: string;
  /** e.g. `urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2` */
  readonly serviceContractNamespace: string;
  /** `production` when absent. */
  readonly environment?: RoutingEnvironment;
}

export interface GrantKey {
  readonly consumerHsaId: string;
  readonly serviceContractNamespace: string;
  /** A logical address, or `*` for every address. */
  readonly logicalAddress: string;
  readonly environment?: RoutingEnvironment;
}

export type RouteResolution =
  | { readonly found: true; readonly endpointUrl: string }
  | {
      readonly found: false;
      /** No route at all to the address, or routes to it for other contracts only. */
      readonly reason: 'unknownLogicalAddress' | 'contractNotRouted';
      readonly message: string;
    };

// ---- Checks -------------------------------------------------------------------------------------

const RESPONDER_NAMESPACE = /^urn:riv:[a-z][a-z0-9]*(?::[A-Za-z0-9._-]+)*:[A-Za-z0-9]+Responder:\d+$/;
const TOKEN = /^[^\s\u0000-\u001f\u007f]+$/;
const MAX_ADDRESS = 255;
const MAX_URL = 2048;

function checkEnvironment(environment: unknown): RoutingEnvironment {
  if (environment === undefined) return 'production';
  if (!(ROUTING_ENVIRONMENTS as readonly unknown[]).includes(environment)) {
    throw inputInvalid('environment', `must be one of ${ROUTING_ENVIRONMENTS.join(', ')}`);
  }
  return environment as RoutingEnvironment;
}

function checkToken(field: string, value: unknown, options: { allowAny: boolean }): string {
  if (typeof value !== 'string' || value === '') throw inputInvalid(field, 'is missing');
  if (!TOKEN.test(value)) throw inputInvalid(field, 'must not contain white space or control characters');
  if (value.length > MAX_ADDRESS) throw inputInvalid(field, `is ${value.length} characters; at most ${MAX_ADDRESS} allowed`);
  if (value === ANY_LOGICAL_ADDRESS && !options.allowAny) throw inputInvalid(field, `'${ANY_LOGICAL_ADDRESS}' only grants; a route names one address`);
  return value;
}

function checkNamespace(value: unknown): string {
  if (typeof value !== 'string' || !RESPONDER_NAMESPACE.test(value)) {
    throw inputInvalid(
      'serviceContractNamespace',
      'must be a RIV-TA responder namespace such as urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2',
    );
  }
  return value;
}

function checkEndpointUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_URL) throw inputInvalid('endpointUrl', `must be an http(s) URL of at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw inputInvalid('endpointUrl', 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw inputInvalid('endpointUrl', 'must be an http or https URL');
  // A password in the table would end up in logs and admin pages; producers authenticate by TLS.
  if (url.username !== '' || url.password !== '') throw inputInvalid('endpointUrl', 'must not carry a user name or password');
  return value;
}

function checkRouteKey(key: RouteKey) {
  return {
    logicalAddress: checkToken('logicalAddress', key?.logicalAddress, { allowAny: false }),
    serviceContractNamespace: checkNamespace(key?.serviceContractNamespace),
    environment: checkEnvironment(key?.environment),
  };
}

function checkGrantKey(key: GrantKey) {
  const consumerHsaId = checkToken('consumerHsaId', key?.consumerHsaId, { allowAny: false });
  return {
    consumerHsaId,
    serviceContractNamespace: checkNamespace(key?.serviceContractNamespace),
    logicalAddress: checkToken('logicalAddress', key?.logicalAddress, { allowAny: true }),
    environment: checkEnvironment(key?.environment),
  };
}

// ---- Routes -------------------------------------------------------------------------------------

/** Adds a route, or points an existing one (same address, contract, environment) at a new URL. */
export async function upsertRoute(db: Db, route: RouteKey & { readonly endpointUrl: string }): Promise<Route> {
  const key = checkRouteKey(route);
  const endpointUrl = checkEndpointUrl(route.endpointUrl);
  const [row] = await db
    .insert(routingEntry)
    .values({ ...key, endpointUrl })
    .onConflictDoUpdate({
      target: [routingEntry.logicalAddress, routingEntry.serviceContractNamespace, routingEntry.environment],
      set: { endpointUrl },
    })
    .returning();
  return toRoute(row!);
}

/** True when a route was removed. */
export async function removeRoute(db: Db, route: RouteKey): Promise<boolean> {
  const key = checkRouteKey(route);
  const removed = await db
    .delete(routingEntry)
    .where(
      and(
        eq(routingEntry.logicalAddress, key.logicalAddress),
        eq(routingEntry.serviceContractNamespace, key.serviceContractNamespace),
        eq(routingEntry.environment, key.environment),
      ),
    )
    .returning({ id: routingEntry.id });
  return removed.length > 0;
}

/** Every route to one logical address in one environment, by contract namespace. */
export async function routesForLogicalAddress(
  db: Db,
  query: { readonly logicalAddress: string; readonly environment?: RoutingEnvironment },
): Promise<Route[]> {
  const logicalAddress = checkToken('logicalAddress', query?.logicalAddress, { allowAny: false });
  const environment = checkEnvironment(query?.environment);
  const rows = await db
    .select()
    .from(routingEntry)
    .where(and(eq(routingEntry.logicalAddress, logicalAddress), eq(routingEntry.environment, environment)))
    // Byte order, the same on every server collation and as the snapshot's.
    .orderBy(sql`${routingEntry.serviceContractNamespace} collate "C"`);
  return rows.map(toRoute);
}

/** Where to call a contract at a logical address; "no route" is a value, with which kind. One query. */
export async function resolveRoute(db: Db, key: RouteKey): Promise<RouteResolution> {
  const k = checkRouteKey(key);
  const routes = await routesForLogicalAddress(db, k);
  return resolveAmong(routes, k.logicalAddress, k.serviceContractNamespace, k.environment);
}

function resolveAmong(routes: readonly Route[], logicalAddress: string, namespace: string, environment: RoutingEnvironment): RouteResolution {
  const route = routes.find((r) => r.serviceContractNamespace === namespace);
  if (route) return { found: true, endpointUrl: route.endpointUrl };
  return routes.length === 0
    ? { found: false, reason: 'unknownLogicalAddress', message: `no route in ${environment} to logical address ${logicalAddress}` }
    : {
        found: false,
        reason: 'contractNotRouted',
        message: `no route in ${environment} to logical address ${logicalAddress} for ${namespace}; it is routed for ${routes.length} other contract${routes.length === 1 ? '' : 's'}`,
      };
}

// ---- Authorizations ----------------------------------------------------------------------------

/** Lets a consumer call a contract at an address ('*': every address). True when newly granted. */
export async function grant(db: Db, key: GrantKey): Promise<boolean> {
  const k = checkGrantKey(key);
  const added = await db.insert(routingAuthorization).values(k).onConflictDoNothing().returning({ id: routingAuthorization.id });
  return added.length > 0;
}

/** Withdraws exactly that grant (a '*' grant is withdrawn by revoking '*'). True when removed. */
export async function revoke(db: Db, key: GrantKey): Promise<boolean> {
  const k = checkGrantKey(key);
  const removed = await db
    .delete(routingAuthorization)
    .where(
      and(
        eq(routingAuthorization.consumerHsaId, k.consumerHsaId),
        eq(routingAuthorization.serviceContractNamespace, k.serviceContractNamespace),
        eq(routingAuthorization.logicalAddress, k.logicalAddress),
        eq(routingAuthorization.environment, k.environment),
      ),
    )
    .returning({ id: routingAuthorization.id });
  return removed.length > 0;
}

/**
 * Whether the consumer may call the contract at the address: a grant for that address or for
 * '*'. Only the authorization; the aggregating services also require a route (resolveRoute).
 */
export async function isAuthorized(db: Db, key: GrantKey): Promise<boolean> {
  const k = checkGrantKey(key);
  const rows = await db
    .select({ id: routingAuthorization.id })
    .from(routingAuthorization)
    .where(
      and(
        eq(routingAuthorization.consumerHsaId, k.consumerHsaId),
        eq(routingAuthorization.serviceContractNamespace, k.serviceContractNamespace),
        eq(routingAuthorization.environment, k.environment),
        or(eq(routingAuthorization.logicalAddress, k.logicalAddress), eq(routingAuthorization.logicalAddress, ANY_LOGICAL_ADDRESS)),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

// ---- The snapshot for the fan-out --------------------------------------------------------------

/** Synchronous lookups over one environment's routes and grants, as loaded. */
export interface RoutingTable {
  readonly environment: RoutingEnvironment;
  readonly routeCount: number;
  readonly grantCount: number;
  resolve(logicalAddress: string, serviceContractNamespace: string): RouteResolution;
  isAuthorized(consumerHsaId: string, serviceContractNamespace: string, logicalAddress: string): boolean;
  routesForLogicalAddress(logicalAddress: string): readonly Route[];
}

export interface RoutingScope {
  /** Load only these contracts' routes and grants. */
  readonly serviceContractNamespaces?: readonly string[];
  /** Load only routes and grants for these addresses ('*' grants always come along). */
  readonly logicalAddresses?: readonly string[];
}

/**
 * Loads one environment's routing table in one query (routes and grants together), for a
 * request to look up every source without going back to the database. A scope narrows what is
 * loaded, e.g. to the contracts and source systems of one record request.
 */
export async function loadRoutingTable(db: Db, environment: RoutingEnvironment, scope: RoutingScope = {}): Promise<RoutingTable> {
  const env = checkEnvironment(environment);
  const namespaces = scope.serviceContractNamespaces?.map(checkNamespace);
  const addresses = scope.logicalAddresses?.map((a) => checkToken('logicalAddresses', a, { allowAny: false }));
  if (namespaces?.length === 0 || addresses?.length === 0) return buildTable(env, [], []);

  const routeWhere: SQL[] = [eq(routingEntry.environment, env)];
  const grantWhere: SQL[] = [eq(routingAuthorization.environment, env)];
  if (namespaces) {
    routeWhere.push(inArray(routingEntry.serviceContractNamespace, namespaces));
    grantWhere.push(inArray(routingAuthorization.serviceContractNamespace, namespaces));
  }
  if (addresses) {
    routeWhere.push(inArray(routingEntry.logicalAddress, addresses));
    grantWhere.push(inArray(routingAuthorization.logicalAddress, [...addresses, ANY_LOGICAL_ADDRESS]));
  }
  // `detail` is the endpoint URL of a route and the consumer of a grant.
  const rows = await db
    .select({
      kind: sql<'route' | 'grant'>`'route'`.as('kind'),
      logicalAddress: routingEntry.logicalAddress,
      serviceContractNamespace: routingEntry.serviceContractNamespace,
      detail: routingEntry.endpointUrl,
      createdAt: routingEntry.createdAt,
    })
    .from(routingEntry)
    .where(and(...routeWhere))
    .unionAll(
      db
        .select({
          kind: sql<'route' | 'grant'>`'grant'`.as('kind'),
          logicalAddress: routingAuthorization.logicalAddress,
          serviceContractNamespace: routingAuthorization.serviceContractNamespace,
          detail: routingAuthorization.consumerHsaId,
          createdAt: routingAuthorization.createdAt,
        })
        .from(routingAuthorization)
        .where(and(...grantWhere)),
    );

  const routes: Route[] = [];
  const grants: [string, string, string][] = [];
  for (const row of rows) {
    if (row.kind === 'route') {
      routes.push({
        logicalAddress: row.logicalAddress,
        serviceContractNamespace: row.serviceContractNamespace,
        endpointUrl: row.detail,
        environment: env,
        // Through a UNION the driver may hand back the timestamp as text.
        createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(row.createdAt as unknown as string),
      });
    } else {
      grants.push([row.detail, row.serviceContractNamespace, row.logicalAddress]);
    }
  }
  return buildTable(env, routes, grants);
}

// Unit separator: no checked value contains it, so joined keys cannot collide.
const grantKey = (consumer: string, namespace: string, address: string) => `${consumer}\u001f${namespace}\u001f${address}`;

function buildTable(environment: RoutingEnvironment, routes: readonly Route[], grants: readonly [string, string, string][]): RoutingTable {
  const byAddress = new Map<string, Route[]>();
  for (const route of [...routes].sort((a, b) => (a.serviceContractNamespace < b.serviceContractNamespace ? -1 : 1))) {
    const list = byAddress.get(route.logicalAddress) ?? [];
    list.push(route);
    byAddress.set(route.logicalAddress, list);
  }
  const granted = new Set(grants.map(([c, n, a]) => grantKey(c, n, a)));
  return {
    environment,
    routeCount: routes.length,
    grantCount: granted.size,
    resolve: (logicalAddress, namespace) => resolveAmong(byAddress.get(logicalAddress) ?? [], logicalAddress, namespace, environment),
    isAuthorized: (consumer, namespace, logicalAddress) =>
      granted.has(grantKey(consumer, namespace, logicalAddress)) || granted.has(grantKey(consumer, namespace, ANY_LOGICAL_ADDRESS)),
    routesForLogicalAddress: (logicalAddress) => byAddress.get(logicalAddress) ?? [],
  };
}

function toRoute(row: typeof routingEntry.$inferSelect): Route {
  return {
    logicalAddress: row.logicalAddress,
    serviceContractNamespace: row.serviceContractNamespace,
    endpointUrl: row.endpointUrl,
    environment: row.environment,
    createdAt: row.createdAt,
  };
}
