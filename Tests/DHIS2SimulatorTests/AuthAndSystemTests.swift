import Curl
import DHIS2Simulator
import JSONStream
import Testing

@Suite("Authentication and system endpoints")
struct AuthAndSystemTests {
    @Test func missingCredentialsRedirectToTheLoginPage() async throws {
        try await SimulatorHarness.with { sim in
            let reply = try await sim.get("/api/system/info", authorization: nil)
            #expect(reply.status == 302)
            #expect(reply.headers.first(name: "Location")?.hasSuffix("/dhis-web-commons/security/login.action") == true)
        }
        try await SimulatorHarness.with(version: .v2_43) { sim in
            let reply = try await sim.get("/api/me", authorization: nil)
            #expect(reply.status == 302)
            #expect(reply.headers.first(name: "Location")?.hasSuffix("/dhis-web-login/") == true)
        }
    }

    @Test func badCredentialsGetA401WebMessage() async throws {
        try await SimulatorHarness.with { sim in
            let reply = try await sim.get("/api/me", authorization: "Basic YWRtaW46d3Jvbmc=")
            #expect(reply.status == 401)
            #expect(
                reply.text
                    == #"{"httpStatus":"Unauthorized","httpStatusCode":401,"status":"ERROR","message":"Unauthorized"}"#
            )
        }
    }

    @Test func apiTokens() async throws {
        try await SimulatorHarness.with { sim in
            let good = try await sim.get("/api/me", authorization: "ApiToken d2p_testtoken")
            #expect(good.status == 200)
            #expect(good.json?["username"]?.stringValue == "admin")
            let bad = try await sim.get("/api/me", authorization: "ApiToken d2p_other")
            #expect(bad.status == 401)
            #expect(bad.headers.first(name: "WWW-Authenticate") == "ApiToken")
            #expect(bad.json?["status"]?.stringValue == "ERROR")
        }
    }

    @Test func pings() async throws {
        try await SimulatorHarness.with { sim in
            let open = try await sim.get("/api/ping", authorization: nil)
            #expect(open.status == 200)
            #expect(open.body.isEmpty)
            let system = try await sim.get("/api/system/ping")
            #expect(system.status == 200)
            #expect(system.text == "pong")
            #expect(try await sim.get("/api/system/ping", authorization: nil).status == 302)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, ServerVersion.v2_43])
    func systemInfo(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version) { sim in
            let info = try #require(try await sim.get("/api/system/info").json)
            #expect(info["version"]?.stringValue == version.description)
            for key in [
                "revision", "buildTime", "serverDate", "serverTimeZoneId", "calendar", "dateFormat", "contextPath",
                "systemId", "systemName",
            ] {
                #expect(info[key] != nil, "missing \(key)")
            }
            let me = try #require(try await sim.get("/api/me").json)
            #expect(me["organisationUnits"]?[0]?["id"]?.stringValue == sim.root.identity.id)
            #expect(me["authorities"]?[0]?.stringValue == "ALL")
        }
    }

    @Test func versionedPathsAndUnknownPaths() async throws {
        try await SimulatorHarness.with { sim in
            #expect(try await sim.get("/api/40/system/info.json").json?["version"] != nil)
            let unknown = try await sim.get("/api/nothingHere")
            #expect(unknown.status == 404)
            #expect(unknown.json == nil)
        }
    }
}
