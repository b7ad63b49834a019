import DHIS2Simulator
import Foundation
import TestSupport
import Testing

/// `dhis2-sync metadata …` as an operator runs it, against PostgreSQL and a simulated DHIS2.
@Suite("dhis2-sync metadata commands", .enabled(if: TestDatabase.available))
struct MetadataCLITests {
    /// The uid a `… create` printed last on its line.
    static func createdID(_ output: String) throws -> String {
        try #require(output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func trackerSchemaAuthoring(version: ServerVersion) async throws {
        try await MaintenanceCLITests.withInstance(version: version) { simulator, cli in
            let on = ["--instance", "sim"]
            var result = try await cli(
                ["metadata", "tea", "create", "--name", "National ID", "--value-type", "text", "--unique"] + on
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("sim: created tracked entity attribute "), "\(result.stdout)")
            let attribute = try Self.createdID(result.stdout)
            result = try await cli(
                ["metadata", "tea", "create", "--name", "Name", "--value-type", "TEXT", "--json"] + on
            )
            let second = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            )
            let other = try #require(second["uid"] as? String)
            result = try await cli(
                [
                    "metadata", "tea", "create", "--name", "Weight", "--value-type", "NUMBER", "--legend-set",
                    "LgndWeight1",
                    "--legend-set", "LgndWeight2", "--json",
                ] + on
            )
            let weight =
                try #require(
                    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                )["uid"] as? String ?? ""
            result = try await cli(["metadata", "tea", "get", weight] + on)
            let legends =
                try #require(try MaintenanceCLITests.jsonLines(result.stdout).first)["legendSets"] as? [[String: Any]]
            #expect(legends?.compactMap { $0["id"] as? String } == ["LgndWeight1", "LgndWeight2"], "\(result.stdout)")

            result = try await cli(["metadata", "tea", "list"] + on)
            #expect(result.stdout.hasPrefix("ID"), "\(result.stdout)")
            #expect(result.stdout.contains("\(attribute)  TEXT        unique  National ID"), "\(result.stdout)")
            result = try await cli(["metadata", "tea", "list", "--json"] + on)
            let listed = try MaintenanceCLITests.jsonLines(result.stdout)
            #expect(listed.compactMap { $0["id"] as? String } == [attribute, other, weight])
            #expect(listed.first?["valueType"] as? String == "TEXT")

            result = try await cli(
                ["metadata", "tea", "rename", other, "--name", "Full name", "--short-name", "FN"] + on
            )
            #expect(result.stdout == "sim: renamed tracked entity attribute \(other)\n", "\(result.stderr)")
            result = try await cli(["metadata", "tea", "get", other] + on)
            let renamed = try #require(try MaintenanceCLITests.jsonLines(result.stdout).first)
            #expect(renamed["name"] as? String == "Full name" && renamed["shortName"] as? String == "FN")
            result = try await cli(["metadata", "tea", "get", "NoSuchAttr1"] + on)
            MaintenanceCLITests.expectOneLineFailure(result, "NoSuchAttr1", ["tea get unknown"])

            result = try await cli(["metadata", "tet", "create", "--name", "Person"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            let type = try Self.createdID(result.stdout)
            result = try await cli(["metadata", "tet", "add-attribute", type, attribute, "--mandatory"] + on)
            #expect(result.stdout == "sim: attribute \(attribute) on tracked entity type \(type)\n", "\(result.stdout)")
            result = try await cli(["metadata", "tet", "add-attribute", type, attribute, "--mandatory"] + on)
            #expect(result.stdout.contains("already so, nothing sent"), "idempotent re-add: \(result.stdout)")

            // Attributes and their flags given at creation, in order; a re-add with the same flags sends nothing.
            result = try await cli(
                [
                    "metadata", "tet", "create", "--name", "Patient", "--attribute",
                    "\(other):mandatory,display-in-list",
                    "--attribute", attribute,
                ] + on
            )
            #expect(result.status == 0, "\(result.stderr)")
            let patient = try Self.createdID(result.stdout)
            result = try await cli(
                ["metadata", "tet", "add-attribute", patient, other, "--mandatory", "--display-in-list"] + on
            )
            #expect(result.stdout.contains("already so, nothing sent"), "flags kept at creation: \(result.stdout)")
            result = try await cli(["metadata", "tet", "add-attribute", patient, attribute] + on)
            #expect(result.stdout.contains("already so, nothing sent"), "second attribute: \(result.stdout)")
            result = try await cli(["metadata", "tet", "create", "--name", "X", "--attribute", "\(other):urgent"] + on)
            MaintenanceCLITests.expectOneLineFailure(result, "--attribute", ["tet create bad flag"])
            for member in [other, attribute] {
                result = try await cli(["metadata", "tet", "remove-attribute", patient, member, "--yes"] + on)
                #expect(result.status == 0, "\(result.stderr)")
            }

            result = try await cli(["metadata", "program", "create", "--name", "Care"] + on)
            #expect(result.status != 0 && result.stderr.contains("--tracked-entity-type"), "\(result.stderr)")
            result = try await cli(
                ["metadata", "program", "create", "--name", "Care", "--tracked-entity-type", type] + on
            )
            #expect(result.status == 0, "\(result.stderr)")
            let program = try Self.createdID(result.stdout)
            #expect(simulator.requestLog.contains { $0.path == "/api/categoryCombos" }, "default combo looked up")
            result = try await cli(["metadata", "program", "add-attribute", program, attribute, "--searchable"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await cli(["metadata", "program", "add-attribute", program, attribute, "--searchable"] + on)
            #expect(result.stdout.contains("already so"), "\(result.stdout)")
            let unit = try #require(simulator.metadata.organisationUnits.first { $0.level == 4 }?.identity.id)
            result = try await cli(["metadata", "program", "add-org-unit", program, unit] + on)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("org unit \(unit) assigned to program \(program)"))

            // Destructive verbs need --yes.
            for arguments in [
                ["metadata", "program", "remove-org-unit", program, unit],
                ["metadata", "tet", "remove-attribute", type, attribute],
                ["metadata", "tea", "delete", other],
            ] {
                result = try await cli(arguments + on)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stderr.contains("add --yes"), "\(arguments): \(result.stderr)")
            }
            result = try await cli(["metadata", "program", "remove-org-unit", program, unit, "--yes"] + on)
            #expect(result.status == 0, "\(result.stderr)")

            // An attribute in use: the server refuses, one line.
            result = try await cli(["metadata", "tea", "delete", attribute, "--yes"] + on)
            MaintenanceCLITests.expectOneLineFailure(result, "E4030", ["tea delete in use"])
            result = try await cli(["metadata", "tet", "remove-attribute", type, attribute, "--yes"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await cli(["metadata", "program", "remove-attribute", program, attribute] + on)
            #expect(result.status != 0 && result.stderr.contains("add --yes"), "\(result.stderr)")
            result = try await cli(["metadata", "program", "remove-attribute", program, attribute, "--yes"] + on)
            #expect(result.stdout == "sim: attribute \(attribute) removed from program \(program)\n")
            result = try await cli(["metadata", "program", "remove-attribute", program, attribute, "--yes"] + on)
            #expect(result.stdout.contains("already so"), "idempotent removal: \(result.stdout)")
            result = try await cli(["metadata", "tea", "delete", attribute, "--yes"] + on)
            #expect(result.status == 0, "no longer in use: \(result.stderr)")
            result = try await cli(["metadata", "tea", "delete", other, "--yes"] + on)
            #expect(result.stdout == "sim: deleted tracked entity attribute \(other)\n", "\(result.stdout)")

            result = try await cli(["metadata", "tea", "list"] + ["--instance", "nope"])
            MaintenanceCLITests.expectOneLineFailure(result, "no instance named 'nope'", ["tea list nope"])
        }
    }

    @Test func programStagesKeepFlagsThroughReorderAndRemoval() async throws {
        try await MaintenanceCLITests.withInstance(version: .v2_43) { simulator, cli in
            let on = ["--instance", "sim"]
            var result = try await cli(
                ["metadata", "program", "create", "--name", "Events", "--without-registration"] + on
            )
            #expect(result.status == 0, "\(result.stderr)")
            let program = try Self.createdID(result.stdout)
            result = try await cli(["metadata", "stage", "create", "--program", program, "--name", "Visit"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            let stage = try Self.createdID(result.stdout)
            let elements = simulator.metadata.dataElements.prefix(3).map(\.identity.id)
            result = try await cli(["metadata", "stage", "add-data-element", stage, elements[0], "--compulsory"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            for element in elements.dropFirst() {
                result = try await cli(["metadata", "stage", "add-data-element", stage, element] + on)
                #expect(result.status == 0, "\(result.stderr)")
            }
            result = try await cli(["metadata", "stage", "add-data-element", stage, elements[0], "--compulsory"] + on)
            #expect(result.stdout.contains("already so"), "idempotent re-add: \(result.stdout)")

            result = try await cli(["metadata", "stage", "reorder", stage, elements[2], elements[0]] + on)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await cli(["metadata", "stage", "show", stage] + on)
            let rows = result.stdout.split(separator: "\n").dropFirst().map {
                $0.split(separator: " ").map(String.init)
            }
            #expect(rows.map { $0[1] } == [elements[2], elements[0], elements[1]], "\(result.stdout)")
            #expect(rows.map { $0[0] } == ["1", "2", "3"])
            #expect(rows[1].contains("compulsory") && !rows[0].contains("compulsory"), "flags kept: \(result.stdout)")

            result = try await cli(["metadata", "stage", "remove-data-element", stage, elements[1]] + on)
            #expect(result.status != 0 && result.stderr.contains("add --yes"), "\(result.stderr)")
            result = try await cli(["metadata", "stage", "remove-data-element", stage, elements[2], "--yes"] + on)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await cli(["metadata", "stage", "show", stage, "--json"] + on)
            let lines = try MaintenanceCLITests.jsonLines(result.stdout)
            let ids = lines.compactMap { ($0["dataElement"] as? [String: Any])?["id"] as? String }
            #expect(ids == [elements[0], elements[1]])
            #expect(lines.compactMap { $0["sortOrder"] as? Int } == [1, 2])
            #expect(lines.first?["compulsory"] as? Bool == true)
        }
    }
}
