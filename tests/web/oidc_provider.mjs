// A real OpenID provider for the single sign-on tests (tests/web/test_sso.py): panva's
// oidc-provider (an OpenID Certified implementation), started by the test with node.
//   node tests/web/oidc_provider.mjs CONFIG.json
// CONFIG: {"port": N, "clients": [...oidc-provider client metadata...],
//          "accounts_file": "accounts.json"}. accounts.json maps each login to its claims
// (e.g. {"jo": {"preferred_username": "jo@council.example", "groups": ["<object id>"]}}); it is
// read afresh at each sign-in, so a test changes someone's groups by rewriting it.
// Sign-in and consent are oidc-provider's own development pages (any password).
// The signing key is a new RSA key each run: ID tokens are RS256, checked against /jwks.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };

const readAccounts = () => JSON.parse(readFileSync(config.accounts_file, 'utf8'));

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['kpiboard-sso-test-cookie-key'] },
  // Like Entra ID: groups and app roles are in the ID token, whatever the scopes.
  claims: {
    openid: ['sub', 'oid', 'groups', 'roles'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = readAccounts()[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
