import { DurableObject } from "cloudflare:workers";
export class OrderObject extends DurableObject<Env> {
  async ping(): Promise<string> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (a)");
    return "pong";
  }
}
export class RegKeyLane extends DurableObject<Env> {}
export default {
  async fetch(): Promise<Response> {
    const r = await fetch("https://api.example/x");
    return new Response(await r.text());
  },
} satisfies ExportedHandler<Env>;
