import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildFindContentRequest, buildUpdateRequest, readFindContentResponse } from '../engagement-index/messages.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { createLogger } from '../operations/logger.js';
import { seedRegistry } from '../registry/store.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildInternalApp } from './internal-app.js';

describeEachDatabase('internal (platform) app', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedRegistry(getDb().db);
    app = await buildInternalApp({ database: getDb(), logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('hosts the engagement index: producers report, consumers find', async () => {
    const engagement = {
      registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description', categorization: 'dia',
      logicalAddress: 'SE2321000016-TC01', sourceSystem: 'SE2321000016-TC01', dataController: 'SE2321000016-0001',
    };
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml; charset=utf-8' }, payload });
    expect((await post(ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([engagement]))).statusCode).toBe(200);
    const found = await post(ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description' }));
    expect(readFindContentResponse(found.body)).toMatchObject({ engagements: [{ logicalAddress: 'SE2321000016-TC01', categorization: 'dia' }] });
  });
});
