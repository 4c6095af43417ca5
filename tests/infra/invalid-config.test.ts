import { runProgram } from "../support/pulumi-program";

test("the program fails early, before declaring anything, when the config is invalid", async () => {
  await expect(runProgram("prod", { taskCpu: "512", taskMemory: "512" })).rejects.toThrow(
    "Fargate does not allow taskMemory 512 with taskCpu 512: use one of 1024, 2048, 3072, 4096.",
  );
});

test("an engine version the image cannot build stops the program too", async () => {
  await expect(runProgram("dev", { godotVersion: "5.0" })).rejects.toThrow(
    'Config "godotVersion" must be a Godot 3.x or 4.x version such as "4.6", "4.6.1" or "3.6"; got "5.0".',
  );
});
