import { describe, expect, it } from "vitest";
import { SERVER_ENVIRONMENT, serverEnvironmentOf, serverEnvOwner, type TargetServerValues } from "./server-environment.js";

const TARGET: TargetServerValues = {
  databaseHost: { value: "db" },
  databasePort: { value: "5432" },
  databaseUser: { value: "immich" },
  databasePassword: { secretKey: "DB_PASSWORD" },
  databaseName: { value: "immich" },
  redisHost: { value: "redis" },
  machineLearningUrl: undefined,
};

describe("the server-environment table", () => {
  it("gives Immich's defaults and the target's values when the spec says nothing", () => {
    expect(serverEnvironmentOf({}, TARGET)).toEqual([
      { name: "DB_HOSTNAME", value: { value: "db" } },
      { name: "DB_PORT", value: { value: "5432" } },
      { name: "DB_USERNAME", value: { value: "immich" } },
      { name: "DB_PASSWORD", value: { secretKey: "DB_PASSWORD" } },
      { name: "DB_DATABASE_NAME", value: { value: "immich" } },
      { name: "DB_VECTOR_EXTENSION", value: { value: "vectorchord" } },
      { name: "REDIS_HOSTNAME", value: { value: "redis" } },
      { name: "REDIS_PORT", value: { value: "6379" } },
      { name: "IMMICH_MEDIA_LOCATION", value: { value: "/data" } },
      { name: "IMMICH_CONFIG_FILE", value: { value: "/config/immich-config.yaml" } },
    ]);
  });

  it("adds the spec's settings, the Redis password as a key (never a value), then immich.environment", () => {
    const env = serverEnvironmentOf(
      {
        immich: {
          timezone: "Europe/Berlin",
          trustedProxies: ["10.0.0.0/8", "::1"],
          mediaLocation: "/usr/src/app/upload",
          environment: { IMMICH_LOG_LEVEL: "verbose" },
        },
        redis: { password: { key: "QUEUE_PASSWORD" } },
      },
      { ...TARGET, machineLearningUrl: { value: "http://ml:3003" } },
    );
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).toMatchObject({
      REDIS_PASSWORD: { secretKey: "QUEUE_PASSWORD" },
      IMMICH_MACHINE_LEARNING_URL: { value: "http://ml:3003" },
      IMMICH_MEDIA_LOCATION: { value: "/usr/src/app/upload" },
      IMMICH_TRUSTED_PROXIES: { value: "10.0.0.0/8,::1" },
      TZ: { value: "Europe/Berlin" },
    });
    expect(env.at(-1)).toEqual({ name: "IMMICH_LOG_LEVEL", value: { value: "verbose" } });
  });

  it("never lets immich.environment set a variable twice", () => {
    const env = serverEnvironmentOf({ immich: { timezone: "UTC", environment: { TZ: "Europe/Paris" } } }, TARGET);
    expect(env.filter((e) => e.name === "TZ")).toEqual([{ name: "TZ", value: { value: "UTC" } }]);
  });

  it("names the spec field behind each variable, the section of the reserved ones, nothing for the others", () => {
    expect(serverEnvOwner("TZ")).toBe("immich.timezone");
    expect(serverEnvOwner("DB_VECTOR_EXTENSION")).toBe("database.vectorExtension");
    expect(serverEnvOwner("REDIS_PORT")).toBe("redis");
    expect(serverEnvOwner("DB_URL")).toBe("database");
    expect(serverEnvOwner("IMMICH_MACHINE_LEARNING_ENABLED")).toBe("machineLearning.enabled");
    expect(serverEnvOwner("IMMICH_LOG_LEVEL")).toBeUndefined();
  });

  it("marks the variables that carry secrets, and maps each back as a secret reference", () => {
    const secrets = SERVER_ENVIRONMENT.filter((e) => e.secret);
    expect(secrets.map((e) => e.name)).toEqual(["DB_PASSWORD", "REDIS_PASSWORD"]);
    for (const e of secrets) expect(e.back.kind).toBe("secret");
  });
});
