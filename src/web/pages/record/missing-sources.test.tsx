import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ViewerSourceStatus } from '../../../record/service.js';
import { MissingSources, missingSources } from './common.js';

const status = (systemName: string, status: ViewerSourceStatus['status'], contract: ViewerSourceStatus['contract'] = 'GetDiagnosis', regionNames: readonly string[] = ['Region Gävleborg']): ViewerSourceStatus => ({
  logicalAddress: `SE-${systemName}`,
  systemName,
  regionNames,
  contract,
  version: '2',
  infoType: 'diagnosis',
  status,
});

describe('the notice of sources that did not answer', () => {
  it('names sources still answering apart from those that could not be fetched, in Swedish and English', () => {
    const sources = [status('Cosmic', 'pending'), status('Melior', 'failed'), status('VAS', 'answeredFromCache'), status('TakeCare', 'answered')];
    const sv = renderToStaticMarkup(<MissingSources lang="sv" sources={sources} />);
    expect(sv).toContain('Svar från Region Gävleborg (Cosmic) har inte kommit ännu. Det som hinner komma visas nästa gång du öppnar sidan.');
    expect(sv).toContain('Information från Region Gävleborg (Melior) kunde inte hämtas just nu.');
    expect(sv).toContain('Information från Region Gävleborg (VAS) visas som den var vid förra hämtningen.');
    expect(sv).not.toContain('TakeCare');
    expect(sv).not.toContain('(Cosmic) kunde inte hämtas');
    const en = renderToStaticMarkup(<MissingSources lang="en" sources={sources} />);
    expect(en).toContain('The answer from Region Gävleborg (Cosmic) has not arrived yet.');
    expect(en).toContain('Information from Region Gävleborg (Melior) could not be fetched just now.');
  });

  it('reports a source failing for one contract and still answering for another as missing; still answering wins over cached', () => {
    expect(missingSources([status('Cosmic', 'pending', 'GetDiagnosis'), status('Cosmic', 'timedOut', 'GetAlertInformation')])).toEqual([
      { region: 'Region Gävleborg', system: 'Cosmic', fromCache: false, stillAnswering: false },
    ]);
    expect(missingSources([status('Cosmic', 'answeredFromCache', 'GetDiagnosis'), status('Cosmic', 'pending', 'GetAlertInformation')])).toEqual([
      { region: 'Region Gävleborg', system: 'Cosmic', fromCache: false, stillAnswering: true },
    ]);
  });

  it('names a national service without a region', () => {
    const sv = renderToStaticMarkup(<MissingSources lang="sv" sources={[status('Nationella engagemangsindexet', 'failed', 'GetDiagnosis', [])]} />);
    expect(sv).toContain('Information från Nationella engagemangsindexet kunde inte hämtas just nu.');
  });
});
