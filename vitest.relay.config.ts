/**
 * `npm run test:relay`: the egress relay of deploy/relay/ end to end (test/relay/). Apart from
 * `npm test` because it needs Debian's nginx, which `npm install` cannot bring; .ci/run installs
 * it and runs this.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "relay",
    include: ["test/relay/**/*.test.ts"],
    environment: "node",
    testTimeout: 90_000,
    hookTimeout: 150_000,
  },
});
