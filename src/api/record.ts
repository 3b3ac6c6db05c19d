import type {} from '@fastify/swagger';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { ACCESS_LOG_MAX_LIMIT } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { INFO_TYPES, type InfoType } from '../domain/record.js';
import { findRegion } from '../domain/regions.js';
import { parseIsoDate, type IsoDate } from '../domain/time.js';
import { inputInvalid, JournalenError } from '../errors/index.js';
import { residentActions } from '../record/resident.js';
import type { RecordFilters, RecordService, ShownItem, SubjectRef, Viewer } from '../record/service.js';
import { csrfToken, requireSession } from '../web/auth.js';

/**
 * The resident's JSON API, version 1. Thin: every answer comes from the record service (access,
 * aggregation, disclosure, audit) or the protections store. The record is addressed as `self`
 * or by a child's opaque handle from `/children`, so no personnummer is ever in a URL (URLs end
 * up in logs). Unsafe methods need the CSRF token from `/me` in `x-csrf-token`. Errors take one
 * shape, `{code, message, details}`, with a stable code.
 */

const Who = Type.String({ pattern: '^(self|[A-Za-z0-9_-]{22})$', description: '`self`, or a child\'s handle from /children' });
const WhoParams = Type.Object({ who: Who });
const IsoDateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Swedish calendar date)' });
const InfoTypeSchema = Type.Union(INFO_TYPES.map((t) => Type.Literal(t)));

const ItemsQuery = Type.Object(
  {
    type: Type.Optional(Type.Union([InfoTypeSchema, Type.Array(InfoTypeSchema, { maxItems: INFO_TYPES.length })])),
    from: Type.Optional(IsoDateString),
    to: Type.Optional(IsoDateString),
    careUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    region: Type.Optional(Type.String({ pattern: '^\\d{2}$', description: 'county code' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'words that must all occur' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'nextCursor of the page before' })),
    lang: Type.Optional(Type.Union([Type.Literal('sv'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);
type ItemsQueryT = Static<typeof ItemsQuery>;

const Settings = Type.Object(
  { showUnsigned: Type.Boolean(), hideRecent: Type.Boolean() },
  { additionalProperties: false },
);
const AccountSeal = Type.Object({ sealed: Type.Boolean() }, { additionalProperties: false });
const LogQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ACCESS_LOG_MAX_LIMIT, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    lang: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Object({}, { additionalProperties: true }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody };
const security = [{ session: [] }];

export const registerRecordApi: FastifyPluginAsync<{ db: Db; records: RecordService }> = async (app, { db, records }) => {
  const resident = residentActions(db, records);
  const viewerOf = (request: FastifyRequest): Viewer => {
    const session = requireSession(request);
    return { personnummer: session.personnummer, ...(session.data.name ? { name: session.data.name } : {}) };
  };
  const refOf = (who: string): SubjectRef => (who === 'self' ? { relation: 'self' } : { relation: 'guardian', child: who });
  const ownOnly = (who: string) => {
    if (who !== 'self') throw new JournalenError('FORBIDDEN', 'only the resident can change this, on their own record');
  };

  app.get('/me', { schema: { tags: ['resident'], summary: 'Who is logged in, and the CSRF token for changes', security, response: { 401: ErrorBody } } }, async (request, reply) => {
    const session = requireSession(request);
    return {
      name: session.data.name ?? null,
      sessionExpiresAt: new Date(Math.min(session.idleExpiresAt.getTime(), session.absoluteExpiresAt.getTime())).toISOString(),
      csrfToken: csrfToken(reply),
    };
  });

  app.get('/children', { schema: { tags: ['resident'], summary: 'The children whose records the viewer is guardian of, and whether each may be read', security, response: errors } }, async (request) => ({
    children: await records.children(viewerOf(request)),
  }));

  app.get<{ Params: { who: string } }>(
    '/records/:who/overview',
    { schema: { tags: ['record'], summary: 'Counts and the latest item per information type, and every source\'s status', params: WhoParams, security, response: errors } },
    async (request) => {
      const overview = await records.overview(viewerOf(request), refOf(request.params.who));
      return {
        ...overview,
        types: overview.types.map((t) => ({ ...t, latest: t.latest ? itemJson(t.latest) : null })),
        recent: { items: overview.recent.items.map(itemJson), total: overview.recent.total },
      };
    },
  );

  app.get<{ Params: { who: string }; Querystring: ItemsQueryT }>(
    '/records/:who/items',
    { schema: { tags: ['record'], summary: 'Items of the record, filtered and paged, newest first', params: WhoParams, querystring: ItemsQuery, security, response: errors } },
    async (request) => {
      const q = request.query;
      const offset = q.cursor !== undefined ? Number(q.cursor) : 0;
      const limit = q.limit ?? 50;
      const view = await records.read(viewerOf(request), refOf(request.params.who), filtersOf(q), { offset, limit });
      const next = offset + view.items.length;
      return {
        subject: view.subject,
        items: view.items.map(itemJson),
        total: view.total,
        nextCursor: next < view.total ? String(next) : null,
        withheld: view.withheld,
        sources: view.sources,
        generatedAt: view.generatedAt,
      };
    },
  );

  app.get<{ Params: { who: string; key: string } }>(
    '/records/:who/items/:key',
    {
      schema: {
        tags: ['record'],
        summary: 'One item with its full content',
        params: Type.Object({ who: Who, key: Type.String({ pattern: '^[A-Za-z0-9_-]{1,600}$' }) }),
        security,
        response: errors,
      },
    },
    async (request) => {
      const { item, view } = await records.item(viewerOf(request), refOf(request.params.who), request.params.key);
      return { subject: view.subject, item: itemJson(item), sources: view.sources };
    },
  );

  app.get<{ Params: { who: string }; Querystring: Static<typeof LogQuery> }>(
    '/records/:who/access-log',
    { schema: { tags: ['record'], summary: 'Who has read the record through Journalen, newest first', params: WhoParams, querystring: LogQuery, security, response: errors } },
    async (request) => resident.accessLog(viewerOf(request), refOf(request.params.who), { limit: request.query.limit ?? 50, cursor: request.query.cursor ?? null }),
  );

  app.get<{ Params: { who: string } }>(
    '/records/:who/settings',
    { schema: { tags: ['settings'], summary: 'The resident\'s choices', params: WhoParams, security, response: errors } },
    async (request) => {
      ownOnly(request.params.who);
      return resident.choices(viewerOf(request));
    },
  );

  app.put<{ Params: { who: string }; Body: Static<typeof Settings> }>(
    '/records/:who/settings',
    {
      preHandler: app.csrfProtection,
      schema: { tags: ['settings'], summary: 'Change the resident\'s choices (audited)', params: WhoParams, body: Settings, security, response: errors },
    },
    async (request) => {
      ownOnly(request.params.who);
      return resident.saveChoices(viewerOf(request), request.body);
    },
  );

  app.get<{ Params: { who: string } }>(
    '/records/:who/seals',
    { schema: { tags: ['settings'], summary: 'Seals on the record', params: WhoParams, security, response: errors } },
    async (request) => {
      ownOnly(request.params.who);
      return resident.seals(viewerOf(request));
    },
  );

  app.put<{ Params: { who: string }; Body: Static<typeof AccountSeal> }>(
    '/records/:who/seals/account',
    {
      preHandler: app.csrfProtection,
      schema: { tags: ['settings'], summary: 'Seal or unseal the whole account (audited)', params: WhoParams, body: AccountSeal, security, response: errors },
    },
    async (request) => {
      ownOnly(request.params.who);
      return { account: await resident.setAccountSeal(viewerOf(request), request.body.sealed) };
    },
  );
};

function filtersOf(q: ItemsQueryT): RecordFilters {
  const types = q.type === undefined ? undefined : (Array.isArray(q.type) ? q.type : [q.type]) as InfoType[];
  const date = (value: string | undefined, field: string): IsoDate | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseIsoDate(value);
    if (parsed === null) throw inputInvalid(field, `${JSON.stringify(value)} is not a real date`);
    return parsed;
  };
  const from = date(q.from, 'from');
  const to = date(q.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw inputInvalid('from', 'must not be after to');
  if (q.region !== undefined && !findRegion(q.region)) throw inputInvalid('region', `no region with county code ${JSON.stringify(q.region)}`);
  return {
    ...(types ? { infoTypes: types } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q.careUnit ? { careUnitHsaId: q.careUnit } : {}),
    ...(q.region ? { regionCode: findRegion(q.region)!.code } : {}),
    ...(q.q ? { text: q.q } : {}),
  };
}

/** An item as the API shows it: content and status, not the producer's plumbing. */
export function itemJson(shown: ShownItem) {
  const { item } = shown;
  return {
    key: shown.key,
    infoType: item.infoType,
    time: item.time,
    title: item.title ?? null,
    text: item.text ?? null,
    codes: item.codes,
    values: item.values,
    period: item.period ?? null,
    attributes: item.attributes,
    careUnit: item.careUnit,
    careGiver: item.careGiver,
    careProviderName: shown.careProviderName,
    region: shown.region,
    author: item.author ?? null,
    signer: item.signer ?? null,
    validator: item.validator ?? null,
    status: {
      signed: item.signed,
      ...(item.validated !== undefined ? { validated: item.validated } : {}),
      ...(item.resultType !== undefined ? { resultType: item.resultType } : {}),
    },
    source: { system: item.sourceSystemHsaId ?? null, contract: item.provenance.contract, version: item.provenance.version },
  };
}
