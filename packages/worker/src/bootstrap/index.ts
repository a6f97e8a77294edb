export { BootstrapError, type BootstrapOptions, type BootstrapReport, bootstrap, bootstrapPermissions, WORKER_KEY_NAME } from "./bootstrap.js";
export { envFileKeyStore, type KeyStore, readEnvFile, stateDirKeyStore } from "./key-store.js";
