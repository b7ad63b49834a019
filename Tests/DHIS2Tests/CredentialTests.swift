import DHIS2
import Foundation
import Testing

@Suite("Credentials")
struct CredentialTests {
    @Test func environmentReference() throws {
        let reference = try CredentialReference(parsing: "env:SOURCE_TOKEN")
        #expect(reference.description == "env:SOURCE_TOKEN")
        #expect(try reference.resolve(environment: ["SOURCE_TOKEN": "d2pat_abc"]).reveal() == "d2pat_abc")
        let error = #expect(throws: DHIS2Error.self) { try reference.resolve(environment: [:]) }
        #expect(error?.code == .credentials)
        #expect(error?.description.contains("SOURCE_TOKEN is not set") == true)
    }

    @Test func fileReferenceRelativeToSystemdCredentialsDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("s3cr3t'\"\\\n".utf8).write(to: directory.appendingPathComponent("source-password"))

        let relative = try CredentialReference(parsing: "file:source-password")
        #expect(
            try relative.resolve(environment: ["CREDENTIALS_DIRECTORY": directory.path]).reveal() == "s3cr3t'\"\\"
        )
        let absolute = try CredentialReference(parsing: "file:\(directory.path)/source-password")
        #expect(try absolute.resolve(environment: [:]).reveal() == "s3cr3t'\"\\")
        let missing = try CredentialReference(parsing: "file:\(directory.path)/nope")
        let error = #expect(throws: DHIS2Error.self) { try missing.resolve(environment: [:]) }
        #expect(error?.description.contains("cannot read credential file") == true)
    }

    @Test func aPastedSecretIsRefusedWithoutBeingEchoed() {
        let pasted = "d2pat_Zq3xWnmY8vH2kL0pR7tB5cE1dF9gA4jS1234567890"
        let error = #expect(throws: DHIS2Error.self) { try CredentialReference(parsing: pasted) }
        #expect(error?.description.contains(pasted) == false)
        #expect(error?.description.contains("env:VARIABLE or file:PATH") == true)
    }

    @Test func secretsNeverPrint() throws {
        let secret = Secret("district")
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "***")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("district"))
        let auth = DHIS2Authentication.basic(username: "admin", password: try CredentialReference(parsing: "env:PW"))
        #expect(auth.description == "basic admin (password env:PW)")
    }

    @Test func authorizationHeaders() throws {
        let basic = DHIS2Authentication.basic(username: "admin", password: try CredentialReference(parsing: "env:PW"))
        #expect(try basic.authorizationHeader(environment: ["PW": "district"]).reveal() == "Basic YWRtaW46ZGlzdHJpY3Q=")
        let token = DHIS2Authentication.token(try CredentialReference(parsing: "env:TOKEN"))
        #expect(try token.authorizationHeader(environment: ["TOKEN": "d2p_abc+/="]).reveal() == "ApiToken d2p_abc+/=")
        let error = #expect(throws: DHIS2Error.self) {
            try token.authorizationHeader(environment: ["TOKEN": "d2p_abc def"])
        }
        #expect(error?.description.contains("abc def") == false)
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "ü€"])
    func basicUsesStandardBase64(text: String) throws {
        let auth = DHIS2Authentication.basic(username: "u", password: try CredentialReference(parsing: "env:P"))
        let header = try auth.authorizationHeader(environment: ["P": text.isEmpty ? "x" : text]).reveal()
        let expected = "Basic " + Data("u:\(text.isEmpty ? "x" : text)".utf8).base64EncodedString()
        #expect(header == expected)
    }
}
