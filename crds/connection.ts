// The SyncConnection kind: one endpoint of one client environment (an ERP, Commerce, Kafka or
// Redis), named once and shared by every flow of the namespace. Credentials stay in Secrets.
import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { dataKey, keySelectorSchema, secretRefSchema } from './reference.ts';
import { exactlyOneOf, withRules } from './rules.ts';

export const connectionTypes = [
  'commerce',
  'odata',
  'odata-v2',
  'suiteql',
  'rest',
  'kafka',
  'redis',
] as const;
export type ConnectionType = (typeof connectionTypes)[number];

/** Connection types spoken over HTTP (they have `url`, `tls`, `proxy`). */
export const httpConnectionTypes = ['commerce', 'odata', 'odata-v2', 'suiteql', 'rest'] as const;

const basicAuth = z
  .object({
    secretRef: secretRefSchema,
    usernameKey: dataKey(
      'Secret key holding the user name (Redis: the ACL user, may be absent).',
      'username',
    ),
    passwordKey: dataKey('Secret key holding the password.', 'password'),
  })
  .describe(
    'User name and password from a Secret: HTTP Basic, Kafka SASL (see kafka.saslMechanism), or Redis AUTH.',
  );

const bearerAuth = z
  .object({
    secretRef: secretRefSchema,
    tokenKey: dataKey('Secret key holding the token.', 'token'),
  })
  .describe(
    'A static token sent as `Authorization: Bearer <token>` (e.g. a Commerce integration token where bearer use is enabled).',
  );

const oauth1Auth = z
  .object({
    secretRef: secretRefSchema,
    consumerKeyKey: dataKey('Secret key holding the consumer key.', 'consumerKey'),
    consumerSecretKey: dataKey('Secret key holding the consumer secret.', 'consumerSecret'),
    accessTokenKey: dataKey('Secret key holding the access token.', 'accessToken'),
    accessTokenSecretKey: dataKey(
      'Secret key holding the access token secret.',
      'accessTokenSecret',
    ),
  })
  .describe(
    'OAuth 1.0a request signing (HMAC-SHA256): a Commerce integration, or NetSuite token-based auth.',
  );

const oauth2Auth = z
  .object({
    tokenUrl: z
      .string()
      .max(2048)
      .regex(/^https?:\/\//, 'must be an http(s) URL')
      .describe('Token endpoint of the OAuth2 client-credentials grant, e.g. Adobe IMS.'),
    scopes: z
      .array(z.string().min(1).max(256))
      .max(32)
      .optional()
      .describe('Scopes requested with the token.'),
    secretRef: secretRefSchema,
    clientIdKey: dataKey('Secret key holding the client id.', 'clientId'),
    clientSecretKey: dataKey('Secret key holding the client secret.', 'clientSecret'),
  })
  .describe(
    'OAuth2 client credentials: the runtime fetches and caches a bearer token (Commerce as a Cloud Service, NetSuite OAuth 2.0).',
  );

const authMethods = ['basic', 'bearer', 'oauth1', 'oauth2'] as const;

export const authSchema = withRules(
  z
    .object({
      basic: basicAuth.optional(),
      bearer: bearerAuth.optional(),
      oauth1: oauth1Auth.optional(),
      oauth2: oauth2Auth.optional(),
    })
    .describe(
      'How to authenticate: exactly one method, each naming a Secret. Credentials are never written inline.',
    ),
  [exactlyOneOf(authMethods, 'auth')],
);
export type ConnectionAuth = z.infer<typeof authSchema>;

export const tlsSchema = z
  .object({
    caBundle: withRules(
      z
        .object({
          configMapRef: keySelectorSchema
            .optional()
            .describe('A ConfigMap entry with the PEM CA bundle.'),
          secretRef: keySelectorSchema
            .optional()
            .describe('A Secret entry with the PEM CA bundle.'),
        })
        .describe(
          'CA certificates to trust in addition to the system roots. Certificate verification is always on.',
        ),
      [exactlyOneOf(['configMapRef', 'secretRef'], 'tls.caBundle')],
    ).optional(),
    clientCertificate: z
      .object({ secretRef: secretRefSchema })
      .optional()
      .describe(
        'A kubernetes.io/tls Secret (tls.crt, tls.key) for mutual TLS, e.g. a Strimzi KafkaUser.',
      ),
    serverName: z
      .string()
      .max(253)
      .optional()
      .describe(
        'Host name to verify the server certificate against, when it differs from the URL host.',
      ),
  })
  .describe(
    'TLS settings. There is no switch to turn verification off: trust a private CA with caBundle instead.',
  );

export const commerceSettingsSchema = z
  .object({
    platform: z
      .enum(['paas', 'saas'])
      .default('paas')
      .describe(
        'paas: Adobe Commerce on-premises or on Cloud (/rest/<store>/V1); saas: Adobe Commerce as a Cloud Service (store view in the Store header). Default: paas.',
      ),
    storeCode: z
      .string()
      .max(64)
      .default('all')
      .describe(
        'Store code in the REST path for writes. `all` writes global (admin) values. Default: all.',
      ),
    websites: z
      .record(z.string().max(64), z.string().max(64))
      .optional()
      .describe('ERP code (e.g. sales organisation) to Commerce website code.'),
    stores: z
      .record(z.string().max(64), z.string().max(64))
      .optional()
      .describe('ERP code (e.g. distribution channel or language) to Commerce store view code.'),
    sources: z
      .record(z.string().max(64), z.string().max(64))
      .optional()
      .describe('ERP plant or warehouse to Commerce inventory source code (MSI).'),
    defaultSourceCode: z
      .string()
      .max(64)
      .default('default')
      .describe('Source code used when the ERP location is not in `sources`. Default: default.'),
  })
  .describe(
    'Commerce only: the platform and how ERP codes map to websites, store views and inventory sources.',
  );

export const kafkaSettingsSchema = z
  .object({
    saslMechanism: z
      .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
      .default('scram-sha-512')
      .describe('SASL mechanism used with auth.basic. Default: scram-sha-512.'),
  })
  .describe('Kafka only: client settings.');

const connectionSpecShape = z
  .object({
    type: z
      .enum(connectionTypes)
      .describe(
        'What this endpoint speaks: commerce (Adobe Commerce REST), odata (OData v4, e.g. Business Central, Epicor), odata-v2 (SAP S/4HANA A2X), suiteql (NetSuite REST + SuiteQL), rest, kafka, redis.',
      ),
    url: z
      .string()
      .max(2048)
      .optional()
      .describe(
        'Base URL: the Commerce host, the OData service root, the NetSuite account REST host, or redis://host:6379/0 (rediss:// for TLS). Not used by kafka, which lists brokers.',
      ),
    brokers: z
      .array(
        z
          .string()
          .max(256)
          .regex(/^[^\s:/]+:[0-9]{1,5}$/, 'write host:port'),
      )
      .min(1)
      .max(32)
      .optional()
      .describe('Kafka bootstrap brokers as host:port. Kafka only; every other type has url.'),
    auth: authSchema.optional(),
    tls: tlsSchema.optional(),
    proxy: z
      .object({
        url: z
          .string()
          .max(2048)
          .regex(/^https?:\/\//, 'must be an http(s) URL')
          .describe('HTTP(S) proxy URL, e.g. http://proxy.corp:3128.'),
        noProxy: z
          .array(z.string().max(253))
          .max(64)
          .optional()
          .describe('Hosts or domain suffixes reached directly.'),
      })
      .optional()
      .describe('Forward proxy for HTTP connection types.'),
    concurrency: z
      .object({
        maxInFlight: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(4)
          .describe(
            'Most requests in flight at once, shared by every flow that uses this connection. Default: 4.',
          ),
      })
      .prefault({})
      .describe('The connection-wide request budget, shared through Redis by every flow using it.'),
    requestTimeout: durationSchema(
      'Time one request may take before it is retried. Default: 30s.',
    ).default('30s'),
    queryParameters: z
      .record(z.string().max(64), z.string().max(256))
      .optional()
      .describe('Query parameters added to every HTTP request, e.g. sap-client: "100".'),
    commerce: commerceSettingsSchema.optional(),
    kafka: kafkaSettingsSchema.optional(),
  })
  .describe('One endpoint of one client environment, shared by the flows of this namespace.');

const isHttp = (type: ConnectionType): boolean =>
  (httpConnectionTypes as readonly string[]).includes(type);

export const syncConnectionSpecSchema = withRules(connectionSpecShape, [
  {
    rule: "self.type == 'kafka' ? (has(self.brokers) && !has(self.url)) : (has(self.url) && !has(self.brokers))",
    message:
      'kafka connections list brokers (host:port) and no url; every other type needs url and no brokers',
    holds: (s) =>
      s.type === 'kafka'
        ? s.brokers !== undefined && s.url === undefined
        : s.url !== undefined && s.brokers === undefined,
  },
  {
    rule: "!has(self.url) || (self.type == 'redis' ? self.url.matches('^rediss?://') : self.url.matches('^https?://'))",
    message: 'url: write http(s)://… for HTTP types and redis://… or rediss://… for redis',
    fieldPath: '.url',
    holds: (s) =>
      s.url === undefined ||
      (s.type === 'redis' ? /^rediss?:\/\//.test(s.url) : /^https?:\/\//.test(s.url)),
  },
  {
    rule: "!has(self.commerce) || self.type == 'commerce'",
    message: 'commerce settings belong to a connection of type commerce',
    fieldPath: '.commerce',
    holds: (s) => s.commerce === undefined || s.type === 'commerce',
  },
  {
    rule: "!has(self.kafka) || self.type == 'kafka'",
    message: 'kafka settings belong to a connection of type kafka',
    fieldPath: '.kafka',
    holds: (s) => s.kafka === undefined || s.type === 'kafka',
  },
  {
    rule: "!has(self.proxy) || !(self.type in ['kafka', 'redis'])",
    message: 'proxy applies to HTTP connection types only',
    fieldPath: '.proxy',
    holds: (s) => s.proxy === undefined || isHttp(s.type),
  },
  {
    rule: "!has(self.auth) || !(self.type in ['kafka', 'redis']) || has(self.auth.basic)",
    message: 'auth: kafka (SASL) and redis (AUTH) connections use auth.basic',
    fieldPath: '.auth',
    holds: (s) => s.auth === undefined || isHttp(s.type) || s.auth.basic !== undefined,
  },
  {
    rule: "!has(self.auth) || !has(self.auth.oauth1) || self.type in ['commerce', 'suiteql', 'rest']",
    message:
      'auth.oauth1 is for commerce integrations, NetSuite token-based auth or rest; use basic, bearer or oauth2 here',
    fieldPath: '.auth',
    holds: (s) => s.auth?.oauth1 === undefined || ['commerce', 'suiteql', 'rest'].includes(s.type),
  },
  {
    rule: "self.type != 'commerce' || has(self.auth)",
    message:
      'auth: a commerce connection needs credentials (oauth1 for an integration, oauth2 for Commerce as a Cloud Service)',
    fieldPath: '.auth',
    holds: (s) => s.type !== 'commerce' || s.auth !== undefined,
  },
]);
export type SyncConnectionSpec = z.infer<typeof syncConnectionSpecSchema>;
export type SyncConnectionSpecInput = z.input<typeof syncConnectionSpecSchema>;

export const syncConnectionStatusSchema = z
  .object({
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the operator last acted on.'),
    usedBy: z
      .array(z.string().max(253))
      .max(1000)
      .optional()
      .describe('Names of the SyncFlows that use this connection.'),
  })
  .describe('Observed state of the connection.');
export type SyncConnectionStatus = z.infer<typeof syncConnectionStatusSchema>;

export const syncConnectionSchema = z.object({
  apiVersion: z.literal('syncflow.io/v1alpha1'),
  kind: z.literal('SyncConnection'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: syncConnectionSpecSchema,
  status: syncConnectionStatusSchema.optional(),
});
export type SyncConnection = z.infer<typeof syncConnectionSchema>;
