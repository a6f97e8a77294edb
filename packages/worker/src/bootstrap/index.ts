export { BootstrapError, type BootstrapOptions, type BootstrapReport, bootstrap, bootstrapPermissions, WORKER_KEY_NAME } from "./bootstrap.js";
export { envFileKeyStore, type KeyStore, stateDirKeyStore } from "./key-store.js";
