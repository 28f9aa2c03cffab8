import { describe, expect, it } from 'vitest';
import { oauth1Header, percentEncode, signatureBaseString } from './oauth1.ts';

describe('OAuth 1.0a signing', () => {
  it('matches the RFC 5849 section 3.4.1 example of a base string', () => {
    const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    const params: [string, string][] = [
      ...url.searchParams,
      ['c2', ''],
      ['a3', '2 q'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ];
    expect(signatureBaseString('POST', url, params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('signs the RFC 5849 section 1.2 example (HMAC-SHA1) to its published signature', () => {
    const header = oauth1Header(
      {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: 'kd94hf93k423kf44',
        accessToken: 'nnch734d00sl2jdk',
        accessTokenSecret: 'pfkkdhi9sl3r4s00',
      },
      {
        method: 'GET',
        url: new URL('http://photos.example.net/photos?file=vacation.jpg&size=original'),
        nowMs: 1191242096_000,
        nonce: 'kllo9940pd9333jh',
        signatureMethod: 'HMAC-SHA1',
      },
    );
    expect(header).toContain(`oauth_signature="${percentEncode('tR3+Ty81lMeYAr/Fid0kMTYa/WM=')}"`);
    expect(header).toMatch(/^OAuth oauth_consumer_key="dpf43f3p2l4k3l03", /);
  });

  it('uses HMAC-SHA256 by default and a fresh nonce per request', () => {
    const credentials = {
      consumerKey: 'a',
      consumerSecret: 'b',
      accessToken: 'c',
      accessTokenSecret: 'd',
    };
    const input = {
      method: 'POST',
      url: new URL('https://shop.example.com/rest/all/V1/inventory/source-items'),
      nowMs: 0,
    };
    const first = oauth1Header(credentials, input);
    expect(first).toContain('oauth_signature_method="HMAC-SHA256"');
    expect(oauth1Header(credentials, input)).not.toBe(first);
  });
});
