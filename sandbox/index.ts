export default {
  async fetch(request: Request): Promise<Response> {
    return Response.json({ hello: "sandbox", url: request.url });
  },
};
