// The flat-file exports of the daily flows, as the example flows read them: the pricing team's
// promotions (CSV, US dates) and SAP's customer addresses (semicolon CSV, file name dated in
// the flow's time zone). Pure.
import type { Distributor } from './seed.ts';

const dayMs = 86_400_000;

function usDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

/** This week's promotional price of every tenth SKU. */
export function promotionsCsv(d: Distributor, nowMs: number): string {
  const rows = d.skus
    .filter((_, i) => i % 10 === 5)
    .map(
      (sku, i) =>
        `${sku},${(5 + (i % 90)).toFixed(2)},${usDate(nowMs)},${usDate(nowMs + 7 * dayMs)}`,
    );
  return `SKU,PromoPrice,ValidFrom,ValidTo\n${rows.join('\n')}\n`;
}

/** One ship-to address per company, keyed by (customer, address id). */
export function addressesCsv(d: Distributor): string {
  const rows = d.companies.map(
    (c) => `${c.entityId};${c.entityId}-SHIP;${c.id} Industrial Way;Chicago;60601;US`,
  );
  return `Customer;AddressID;Street;City;PostalCode;Country\n${rows.join('\n')}\n`;
}

/** `/sap/customer-addresses-{date}.csv` with the date as the runtime reads it. */
export function addressExportPath(nowMs: number, timeZone: string): string {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(nowMs));
  return `/sap/customer-addresses-${date}.csv`;
}
