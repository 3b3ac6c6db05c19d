import { TEXT, withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';

export function ErrorPage({ lang, kind, path }: { lang: Lang; kind: 'notFound' | 'error'; path: string }) {
  const t = TEXT[lang];
  const title = kind === 'notFound' ? t.notFoundTitle : t.errorTitle;
  return (
    <Layout lang={lang} title={title} path={path}>
      <h1>{title}</h1>
      <p>{kind === 'notFound' ? t.notFoundText : t.errorText}</p>
      <p><a href={withLang('/', lang)}>{t.toStart}</a></p>
    </Layout>
  );
}
