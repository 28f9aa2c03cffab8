// OAuth 1.0a request signing (RFC 5849) as Commerce integrations require since 2.4.4: every
// request is signed afresh (a replayed nonce is refused), HMAC-SHA256 by default.
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface SignInput {
  method: string;
  url: URL;
  nowMs: number;
  nonce?: string;
  signatureMethod?: 'HMAC-SHA256' | 'HMAC-SHA1';
}

/** RFC 3986 percent-encoding, stricter than encodeURIComponent. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function signatureBaseString(method: string, url: URL, params: [string, string][]): string {
  const normalized = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const baseUrl = `${url.protocol}//${url.host}${url.pathname}`;
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalized)].join('&');
}

/** The `Authorization: OAuth …` header value for one request. */
export function oauth1Header(credentials: OAuth1Credentials, input: SignInput): string {
  const signatureMethod = input.signatureMethod ?? 'HMAC-SHA256';
  const oauthParams: [string, string][] = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', input.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', signatureMethod],
    ['oauth_timestamp', String(Math.floor(input.nowMs / 1000))],
    ['oauth_token', credentials.accessToken],
    ['oauth_version', '1.0'],
  ];
  const base = signatureBaseString(input.method, input.url, [
    ...oauthParams,
    ...input.url.searchParams,
  ]);
  const key = `${percentEncode(credentials.consumerSecret)}&${percentEncode(credentials.accessTokenSecret)}`;
  const signature = createHmac(signatureMethod === 'HMAC-SHA256' ? 'sha256' : 'sha1', key)
    .update(base)
    .digest('base64');
  const signed: [string, string][] = [...oauthParams, ['oauth_signature', signature]];
  return `OAuth ${signed.map(([k, v]) => `${k}="${percentEncode(v)}"`).join(', ')}`;
}
