import type { FastifyInstance } from 'fastify';

/**
 * A minimal browser for in-process HTTP tests: cookies per origin, redirects followed by hand,
 * requests to the app's origin answered by `app.inject()` and every other origin (the identity
 * provider) over the network. Enough to run a whole OpenID Connect login without Chromium.
 */

export interface Page {
  readonly status: number;
  readonly url: URL;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface Cookie {
  value: string;
  path: string;
  attributes: string;
}

export class HttpBrowser {
  readonly jar = new Map<string, Map<string, Cookie>>();
  /** Every Set-Cookie line seen, for checking attributes. */
  readonly setCookies: string[] = [];

  constructor(
    private readonly app: FastifyInstance,
    readonly appOrigin: string,
  ) {}

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name)?.value;
  }

  setCookie(origin: string, name: string, value: string): void {
    this.jarOf(origin).set(name, { value, path: '/', attributes: '' });
  }

  async get(url: string | URL, headers: Record<string, string> = {}): Promise<Page> {
    return this.send('GET', new URL(url, this.appOrigin), undefined, headers);
  }

  async post(url: string | URL, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.send('POST', new URL(url, this.appOrigin), new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  async json(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Page & { data: any }> {
    const page = await this.send(method, new URL(url, this.appOrigin), body === undefined ? undefined : JSON.stringify(body), {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    }, false);
    let data: unknown;
    try {
      data = JSON.parse(page.body);
    } catch {
      data = undefined;
    }
    return { ...page, data };
  }

  /** One request, then redirects (as GET) unless `follow` is false. */
  async send(method: string, url: URL, body: string | undefined, headers: Record<string, string>, follow = true): Promise<Page> {
    let page = await this.once(method, url, body, headers);
    for (let hops = 0; follow && hops < 12; hops++) {
      const location = page.headers.location;
      if (page.status < 300 || page.status >= 400 || typeof location !== 'string') return page;
      page = await this.once('GET', new URL(location, page.url), undefined, {});
    }
    return page;
  }

  private async once(method: string, url: URL, body: string | undefined, headers: Record<string, string>): Promise<Page> {
    const cookieHeader = [...(this.jar.get(url.origin)?.entries() ?? [])]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const allHeaders = { ...headers, ...(cookieHeader ? { cookie: cookieHeader } : {}) };
    let page: Page;
    if (url.origin === this.appOrigin) {
      const response = await this.app.inject({ method: method as 'GET', url: `${url.pathname}${url.search}`, headers: allHeaders, ...(body !== undefined ? { payload: body } : {}) });
      page = { status: response.statusCode, url, headers: response.headers as Page["headers"], body: response.body };
    } else {
      const response = await fetch(url, { method, headers: allHeaders, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
      const h: Record<string, string | string[]> = {};
      response.headers.forEach((v, k) => {
        h[k] = v;
      });
      const setCookie = response.headers.getSetCookie();
      if (setCookie.length > 0) h['set-cookie'] = setCookie;
      page = { status: response.status, url, headers: h, body: await response.text() };
    }
    const set = page.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) this.store(url.origin, line);
    return page;
  }

  private jarOf(origin: string) {
    let jar = this.jar.get(origin);
    if (!jar) this.jar.set(origin, (jar = new Map()));
    return jar;
  }

  private store(origin: string, line: string): void {
    this.setCookies.push(line);
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', v = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = v;
      if (key.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
    }
    if (expired || value === '') this.jarOf(origin).delete(name);
    else this.jarOf(origin).set(name, { value, path, attributes: attributes.join('; ') });
  }
}

/** The value of a hidden form field. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} in page`);
  return match[1];
}
