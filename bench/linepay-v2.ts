/**
 * What every bench Worker sends LINE Pay, as the gateway does for the default merchant on
 * Offline API v2: the channel in headers, no signature. One copy, so the floors and the
 * passthrough pay exactly the same upstream cost.
 */
export interface LinePayEnv {
  LINEPAY_API_BASE: string;
  LINEPAY_CHANNEL_ID: string;
  LINEPAY_CHANNEL_SECRET: string;
}

export const v2Headers = (env: LinePayEnv): Record<string, string> => ({
  "Content-Type": "application/json",
  "X-LINE-ChannelId": env.LINEPAY_CHANNEL_ID,
  "X-LINE-ChannelSecret": env.LINEPAY_CHANNEL_SECRET,
  "X-LINE-MerchantDeviceType": "POS",
});

/** POST /v2/payments/oneTimeKeys/pay with `body` as it came. */
export const posPay = (env: LinePayEnv, body: BodyInit | null): Promise<Response> =>
  fetch(`${env.LINEPAY_API_BASE}/v2/payments/oneTimeKeys/pay`, { method: "POST", headers: v2Headers(env), body });
