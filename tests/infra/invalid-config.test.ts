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

test("warm rooms need heartbeat readiness, and fit within maxRooms", async () => {
  await expect(runProgram("dev", { warmRooms: "1", serverReadiness: "task" })).rejects.toThrow(
    'Config "warmRooms" needs serverReadiness: heartbeat',
  );
  await expect(runProgram("dev", { warmRooms: "6" })).rejects.toThrow(
    'Config "warmRooms" must be a whole number from 0 to 5; got "6".',
  );
  await expect(runProgram("dev", { warmRooms: "1", warmVersion: "no spaces" })).rejects.toThrow(
    'Config "warmVersion" must be a game version',
  );
});

test("tickets need heartbeat readiness: a game without the server SDK could admit no one", async () => {
  await expect(
    runProgram("dev", { requireTickets: "true", serverReadiness: "task" }),
  ).rejects.toThrow('Config "requireTickets" needs serverReadiness: heartbeat');
  await expect(runProgram("dev", { requireTickets: "yes" })).rejects.toThrow(
    'Config "requireTickets" must be one of true, false; got "yes".',
  );
});
