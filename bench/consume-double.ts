// The Commerce double in its own process for the consume benchmark, so its schema validation
// does not share the runtime's event loop (prints its URL on stdout, stops on SIGTERM).
import { startCommerceDouble } from '../test/doubles/commerce/commerce-double.ts';

const commerce = await startCommerceDouble({ bearerToken: 'bench' });
process.stdout.write(`${commerce.url}\n`);
process.once('SIGTERM', () => {
  void commerce.close().then(() => process.exit(0));
});
