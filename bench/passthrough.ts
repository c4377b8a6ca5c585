/**
 * The floor for the benchmark: a bare Worker that forwards a POS pay to LINE Pay (the sandbox)
 * with v2 headers. No auth, no validation, no Durable Object, no journal.
 */
interface PassthroughEnv {
  LINEPAY_API_BASE: string;
  LINEPAY_CHANNEL_ID: string;
  LINEPAY_CHANNEL_SECRET: string;
}

export default {
  async fetch(request: Request, env: PassthroughEnv): Promise<Response> {
    const upstream = await fetch(`${env.LINEPAY_API_BASE}/v2/payments/oneTimeKeys/pay`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-LINE-ChannelId": env.LINEPAY_CHANNEL_ID,
        "X-LINE-ChannelSecret": env.LINEPAY_CHANNEL_SECRET,
        "X-LINE-MerchantDeviceType": "POS",
      },
      body: request.body,
    });
    return new Response(upstream.body, { status: upstream.status, headers: { "Content-Type": "application/json" } });
  },
};
