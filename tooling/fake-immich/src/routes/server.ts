import type { FakeRouter } from "../router.js";

/** `/server/*`: public info the worker and doctor read first. */
export function serverRoutes(router: FakeRouter): void {
  router
    .add("GET", "/server/ping", { public: true, permission: false }, () => ({ body: { res: "pong" } }))
    .add("GET", "/server/version", { public: true, permission: false }, ({ state }) => {
      const [major, minor, patch] = state.version.slice(1).split(".").map(Number);
      return { body: { major, minor, patch, prerelease: null } };
    })
    .add("GET", "/server/features", { public: true, permission: false }, ({ state }) => ({
      body: {
        configFile: state.configFile,
        duplicateDetection: true,
        email: false,
        facialRecognition: true,
        importFaces: false,
        map: true,
        oauth: (state.config.oauth as { enabled?: boolean } | undefined)?.enabled === true,
        oauthAutoLaunch: false,
        ocr: false,
        passwordLogin: (state.config.passwordLogin as { enabled?: boolean } | undefined)?.enabled !== false,
        realtimeTranscoding: false,
        reverseGeocoding: true,
        search: true,
        sidecar: true,
        smartSearch: true,
        trash: true,
      },
    }))
    .add("GET", "/server/config", { public: true, permission: false }, ({ state }) => ({
      body: {
        externalDomain: "",
        isInitialized: state.hasAdmin(),
        isOnboarded: state.hasAdmin(),
        loginPageMessage: "",
        maintenanceMode: false,
        mapDarkStyleUrl: "",
        mapLightStyleUrl: "",
        minFaces: 3,
        oauthButtonText: "Login with OAuth",
        publicUsers: state.publicUsers,
        trashDays: 30,
        userDeleteDelay: 7,
      },
    }));
}
