import { describe, expect, it } from 'vitest';
import { platformFaultVerdict } from './common.js';
import { platformFaultOf } from './source-call.js';

const fault = (faultstring: string, detail = '') =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soap:Server</faultcode><faultstring>${faultstring}</faultstring><detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

describe('the national platform\'s faults', () => {
  it('reads the VP code of a fault as VP writes it, and a timeout only from VP009\'s detail', () => {
    const vp7 = 'VP007 [NTjP Prod] Tjänstekonsumenten saknar behörighet att anropa den logiska adressaten via detta tjänstekontrakt.';
    expect(platformFaultOf({ code: 'soap:Server', message: vp7 }, fault(vp7))).toEqual({ code: 'VP007', timeout: false });
    const vp9 = 'VP009 [NTjP Prod] Fel vid kontakt med tjänsteproducenten.';
    const timedOut = fault(vp9, 'Exception information: (io.netty.handler.timeout.ReadTimeoutException: Timeout when waiting on response from producer.)');
    expect(platformFaultOf({ message: vp9 }, timedOut)).toEqual({ code: 'VP009', timeout: true });
    expect(platformFaultOf({ message: vp9 }, fault(vp9, '(java.net.ConnectException: Connection refused)'))).toEqual({ code: 'VP009', timeout: false });
    expect(platformFaultOf({ message: 'Internal error in the producer' }, fault('Internal error'))).toBeUndefined();
    expect(platformFaultOf({ message: 'see VP007 later' }, '')).toBeUndefined();
  });

  it('maps VP004-006 to no route, VP007 to not authorized, VP009 to a failure or a timeout', () => {
    for (const code of ['VP004', 'VP005', 'VP006']) expect(platformFaultVerdict(code)).toMatchObject({ status: 'noRoute', problem: 'noRoute' });
    expect(platformFaultVerdict('VP007')).toMatchObject({ status: 'notAuthorized', problem: 'notAuthorized' });
    expect(platformFaultVerdict('VP009')).toMatchObject({ status: 'failed', problem: 'connection' });
    expect(platformFaultVerdict('VP009', true)).toMatchObject({ status: 'timedOut', problem: 'timeout' });
    expect(platformFaultVerdict('VP013')).toMatchObject({ status: 'failed', problem: 'soapFault', reason: expect.stringContaining('VP013') });
  });
});
