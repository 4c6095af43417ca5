import { runProgram } from "../support/pulumi-program";

test("the program fails early, before declaring anything, when the config is invalid", async () => {
  await expect(runProgram("prod", { taskCpu: "512", taskMemory: "512" })).rejects.toThrow(
    "Fargate does not allow taskMemory 512 with taskCpu 512: use one of 1024, 2048, 3072, 4096.",
  );
});
