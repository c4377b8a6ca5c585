/**
 * An answer crosses the RPC boundary from a Durable Object to the edge as plain data: the
 * status, body and headers the caller gets. Problems are answers too, so that a stored
 * refusal can be replayed byte for byte.
 */
export interface GatewayAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
