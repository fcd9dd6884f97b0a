import { test } from "node:test";
test.skip("not written yet", () => {});
