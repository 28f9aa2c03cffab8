// One operation of the Commerce double: a request that already passed the contract, and the
// answer Commerce would give.
import type { CommerceState } from './commerce-state.ts';

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  storeCode: string;
}
export interface RouteResponse {
  status: number;
  body: unknown;
}
export type RouteHandler = (state: CommerceState, request: RouteRequest) => RouteResponse;
